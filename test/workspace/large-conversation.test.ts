import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConversationStore } from '../../src/workspace/conversation-store.ts';
import { storeKinds } from '../support/stores.ts';
import { as, newConversation, ok, startWorkspace, type Workspace } from './support.ts';

/** The contract: a conversation of 2,000 messages must be fine (one branch 2,000 deep, the worst case for the tree walk). */
for (const kind of storeKinds()) {
  describe(`a conversation of 2,000 messages (${kind.name})`, () => {
    let w: Workspace;
    let id: string;
    before(async () => {
      w = await startWorkspace(kind);
      id = (await newConversation(w.gw, w.ana, { title: 'Marathon' })).id;
      // Written straight to the store (in plaintext, which reads back as is): 2,000 turns through the API would take minutes.
      const store = new ConversationStore(w.gw.tg.store);
      const conv = await w.gw.tg.store.db.selectFrom('conversations').select(['id', 'org_id', 'user_id']).where('id', '=', id).executeTakeFirstOrThrow();
      let parent: string | null = null;
      for (let i = 0; i < 2_000; i++) {
        const role = i % 2 === 0 ? 'user' : 'assistant';
        const m = await store.appendMessage(conv, {
          id: `msg_big_${i}`, parent_id: parent, role, content: `${role} message number ${i} about the marathon`, model: null, status: 'complete',
          error_code: null, error_message: null, prompt_tokens: role === 'assistant' ? 10 : null, completion_tokens: role === 'assistant' ? 7 : null,
          cost_nanos: role === 'assistant' ? 3 : null, latency_ms: null, request_id: null,
        }, { promptTokens: role === 'assistant' ? 10 : 0, completionTokens: role === 'assistant' ? 7 : 0, costNanos: role === 'assistant' ? 3 : null });
        parent = m.id;
      }
    });
    after(() => w.close());

    test('lists every message, exports and estimates the whole branch, totals add up', async () => {
      const list = await ok(as(w.gw, w.ana, `/api/conversations/${id}/messages`));
      assert.equal(list.data.length, 2_000);
      assert.equal(list.data[1_999].id, 'msg_big_1999');
      const doc = (await (await as(w.gw, w.ana, `/api/conversations/${id}/export?format=json`)).json()) as { messages: { id: string }[] };
      assert.equal(doc.messages.length, 2_000);
      assert.equal(doc.messages[0]!.id, 'msg_big_0');
      const est = await ok(as(w.gw, w.ana, '/api/conversations/estimate', { body: { conversation_id: id, model: 'gpt-4o-mini', content: 'and one more' } }));
      assert.ok(est.prompt_tokens > 2_000 * 8, `${est.prompt_tokens}`);
      assert.equal(est.expected_completion_tokens, 7);
      const c = await ok(as(w.gw, w.ana, `/api/conversations/${id}`));
      assert.deepEqual([c.message_count, c.prompt_tokens, c.completion_tokens, c.cost_usd], [2_000, 10_000, 7_000, '0.000003']);
      assert.equal(c.current_leaf_id, 'msg_big_1999');
    });
  });
}
