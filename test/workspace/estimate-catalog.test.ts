import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds } from '../support/stores.ts';
import { as, fails, nanos, newConversation, ok, startWorkspace, turn, type Workspace } from './support.ts';

for (const kind of storeKinds()) {
  describe(`estimate and model catalog (${kind.name})`, () => {
    let w: Workspace;
    before(async () => {
      w = await startWorkspace(kind);
    });
    after(() => w.close());

    test('prompt tokens are counted as the gateway bills them: the estimate equals the next turn\'s ledger row', async () => {
      const c = await newConversation(w.gw, w.ana, { model: 'gpt-4.1' });
      const one = await turn(w.gw, w.ana, c.id, { content: 'Tell me about élan vital, 東京, and emoji 🚀.', parent_id: null });
      const draft = 'And now the second question, with some more words in it to count.';
      const est = await ok(as(w.gw, w.ana, '/api/conversations/estimate', { body: { conversation_id: c.id, model: 'gpt-4.1', content: draft } }));
      assert.equal(est.object, 'conversation.estimate');
      const two = await turn(w.gw, w.ana, c.id, { content: draft, parent_id: one.completed.id });
      assert.equal(est.prompt_tokens, two.completed.prompt_tokens, 'history + draft, exactly as billed');
      assert.equal(est.expected_completion_tokens, one.completed.completion_tokens, 'the average reply so far');
      // Price: prompt at $2.00 and the expected reply at $8.00 per 1M tokens (gpt-4.1).
      assert.equal(nanos(est.cost_usd), Math.floor((est.prompt_tokens * 2_000_000 + est.expected_completion_tokens * 8_000_000 + 500) / 1000));
      assert.equal(est.context_window, 1_047_576);
      assert.ok(est.capabilities.includes('chat'));
      assert.equal(est.budget, null, 'no budget applies');

      // A draft for a new conversation, and one on another branch (parent_id).
      const fresh = await ok(as(w.gw, w.ana, '/api/conversations/estimate', { body: { model: 'gpt-4o-mini', content: 'Hello' } }));
      assert.equal(fresh.expected_completion_tokens, 256);
      const probe = await ok(as(w.gw, w.ana, '/api/conversations', { body: { model: 'gpt-4o-mini' } }), 201);
      const sent = await turn(w.gw, w.ana, probe.id, { content: 'Hello', parent_id: null });
      assert.equal(fresh.prompt_tokens, sent.completed.prompt_tokens);
      const onRoot = await ok(as(w.gw, w.ana, '/api/conversations/estimate', { body: { conversation_id: c.id, parent_id: null, model: 'gpt-4.1', content: draft } }));
      assert.ok(onRoot.prompt_tokens < est.prompt_tokens, 'no history under a new root');
    });

    test('the tightest budget that applies to the person is shown with its reset time', async () => {
      const p = await w.person({ teamRole: 'member' });
      const team = w.gw.tg.home.defaultTeam.id;
      const userBudget = await ok(w.gw.call('/api/budgets', { body: { scope: 'user', scope_id: p.id, period: 'daily', limit_usd: '2.00' } }), 201);
      const teamBudget = await ok(w.gw.call('/api/budgets', { body: { scope: 'team', scope_id: team, period: 'monthly', limit_usd: '1.50' } }), 201);
      try {
        const est = await ok(as(w.gw, p, '/api/conversations/estimate', { body: { model: 'gpt-4o-mini', content: 'hi' } }));
        assert.deepEqual(
          { id: est.budget.id, limit: est.budget.limit_usd, period: est.budget.period, scope: est.budget.scope },
          { id: teamBudget.id, limit: '1.50', period: 'monthly', scope: 'team' },
        );
        assert.equal(est.budget.resets_at, teamBudget.resets_at);
        assert.equal(nanos(est.budget.remaining_usd) + nanos(est.budget.spent_usd) <= nanos('1.50'), true);
        const c = await newConversation(w.gw, p);
        await turn(w.gw, p, c.id, { content: 'spend a little', parent_id: null });
        const after = await ok(as(w.gw, p, '/api/conversations/estimate', { body: { model: 'gpt-4o-mini', content: 'hi' } }));
        assert.ok(nanos(after.budget.spent_usd) > 0, 'the turn counts against the budget');
      } finally {
        await ok(w.gw.call(`/api/budgets/${userBudget.id}`, { method: 'DELETE' }));
        await ok(w.gw.call(`/api/budgets/${teamBudget.id}`, { method: 'DELETE' }));
      }
    });

    test('bad input', async () => {
      const est = '/api/conversations/estimate';
      await fails(as(w.gw, w.ana, est, { body: { content: 'x' } }), 400, 'invalid_parameter', 'model');
      await fails(as(w.gw, w.ana, est, { body: { model: 'gpt-4o-mini', content: 'x', parent_id: 'msg_x' } }), 400, 'invalid_parameter', 'parent_id');
      await fails(as(w.gw, w.ana, est, { body: { model: 'gpt-4o-mini', content: 'x', conversation_id: 'conv_nope' } }), 404, 'conversation_not_found');
      const c = await newConversation(w.gw, w.ana);
      await fails(as(w.gw, w.ana, est, { body: { model: 'gpt-4o-mini', content: 'x', conversation_id: c.id, parent_id: 'msg_x' } }), 400, 'invalid_parameter', 'parent_id');
      await fails(as(w.gw, w.ana, est, { body: { model: 'gpt-4o-mini', content: 'x'.repeat(1_000_001) } }), 400, 'invalid_parameter', 'content');
      const unpriced = await ok(as(w.gw, w.ana, est, { body: { model: 'my-local-llama', content: 'x' } }));
      assert.equal(unpriced.cost_usd, null);
      assert.equal(unpriced.context_window, null);
    });

    test('the model catalog: chat models with the catalog\'s prices and windows, limited by a key\'s model scope', async () => {
      const cat = await ok(as(w.gw, w.ana, '/api/models/catalog'));
      assert.equal(cat.object, 'list');
      const mini = cat.data.find((m: any) => m.id === 'gpt-4o-mini');
      const price = await ok(as(w.gw, w.ana, '/api/prices/gpt-4o-mini'));
      assert.deepEqual(
        [mini.input_usd_per_1m, mini.output_usd_per_1m, mini.cached_input_usd_per_1m, mini.context_window, mini.max_output_tokens],
        [price.input, price.output, price.cached_input, price.context_window, price.max_output_tokens],
      );
      assert.deepEqual(mini.capabilities, ['chat', 'vision', 'tools']);
      const ids = cat.data.map((m: any) => m.id);
      for (const notChat of ['text-embedding-3-small', 'omni-moderation-latest', 'gpt-realtime', 'gpt-image-1', 'gpt-3.5-turbo-instruct']) assert.ok(!ids.includes(notChat), notChat);
      assert.ok(ids.includes('gpt-5') && ids.includes('o3'));

      const scoped = await w.gw.tg.keys.create({ name: 'scoped', orgId: w.gw.tg.home.org.id, userId: w.ana.id, teamId: w.gw.tg.home.defaultTeam.id, allowedModels: ['gpt-4o-mini', 'gpt-4.1*'] }, { actorId: 'system', orgId: w.gw.tg.home.org.id });
      const limited = await ok(as(w.gw, scoped.secret, '/api/models/catalog'));
      assert.deepEqual(limited.data.map((m: any) => m.id).sort(), ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o-mini']);
    });
  });
}
