import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds } from '../support/stores.ts';
import { as, fails, nanos, newConversation, ok, readTurn, startWorkspace, turn, type Workspace } from './support.ts';

for (const kind of storeKinds()) {
  describe(`chat turns (${kind.name})`, () => {
    let w: Workspace;
    before(async () => {
      w = await startWorkspace(kind);
    });
    after(() => w.close());

    test('a streamed turn stores the message, streams the reply, stores it with usage and cost, and names the conversation', async () => {
      const c = await newConversation(w.gw, w.ana);
      assert.equal(c.title, 'New conversation');
      const t = await turn(w.gw, w.ana, c.id, { content: 'Explain what a token bucket is.', parent_id: null });
      assert.deepEqual(t.names.filter((n) => n !== 'message.delta'), ['message.created', 'message.completed', 'conversation.updated']);
      assert.ok(t.names.filter((n) => n === 'message.delta').length >= 1, 'text arrives as deltas');
      assert.equal(t.created.role, 'user');
      assert.equal(t.created.parent_id, null);
      assert.equal(t.created.content, 'Explain what a token bucket is.');
      const a = t.completed;
      assert.equal(a.role, 'assistant');
      assert.equal(a.parent_id, t.created.id);
      assert.equal(a.status, 'complete');
      assert.equal(a.content, t.text, 'the stored reply is what was streamed');
      assert.ok(t.events.filter((e) => e.event === 'message.delta').every((e) => e.data.id === a.id), 'deltas carry the assistant id');
      assert.ok(a.prompt_tokens > 0 && a.completion_tokens > 0);
      assert.match(a.cost_usd, /^\d+\.\d+$/);
      assert.ok(nanos(a.cost_usd) > 0);
      assert.match(a.request_id, /^req_/);
      assert.ok(a.latency_ms >= 0);
      assert.match(a.model, /^gpt-4o-mini/);
      // The ledger row of the turn is the gateway's own, under the person.
      const row = await w.gw.tg.ledger.get(a.request_id);
      assert.ok(row, 'a ledger row for the turn');
      assert.equal(row.user_id, w.ana.id);
      assert.equal(row.endpoint, '/v1/chat/completions');
      assert.equal(row.prompt_tokens, a.prompt_tokens);
      assert.equal(row.cost_nanos, nanos(a.cost_usd));
      // Named after the first exchange, by a cheap model through the same runner.
      assert.notEqual(t.conversation.title, 'New conversation');
      assert.equal(t.conversation.current_leaf_id, a.id);
      assert.equal(t.conversation.message_count, 2);
      const again = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`));
      assert.equal(again.title, t.conversation.title);
    });

    test('without stream: one JSON body with both messages; a title set by the person is kept', async () => {
      const c = await newConversation(w.gw, w.ana, { title: 'My own title' });
      const r = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/messages`, { body: { content: 'Hello there', parent_id: null, stream: false } }));
      assert.equal(r.user_message.content, 'Hello there');
      assert.equal(r.assistant_message.parent_id, r.user_message.id);
      assert.equal(r.assistant_message.status, 'complete');
      assert.equal(r.conversation.title, 'My own title');
    });

    test('edit makes a branch, regenerate makes a sibling, current_leaf_id switches branches, and each branch has its own history', async () => {
      const c = await newConversation(w.gw, w.ana);
      const first = await turn(w.gw, w.ana, c.id, { content: 'First question about alpacas', parent_id: null });
      const second = await turn(w.gw, w.ana, c.id, { content: 'Second question about llamas', parent_id: first.completed.id });
      // Editing the second message: a new user message under the same parent.
      const edited = await turn(w.gw, w.ana, c.id, { content: 'Second question about vicuñas', parent_id: first.completed.id });
      assert.equal(edited.created.parent_id, first.completed.id);
      assert.notEqual(edited.created.id, second.created.id);
      // Regenerating the edited branch's reply: a sibling answering the same user message.
      const res = await as(w.gw, w.ana, `/api/conversations/${c.id}/messages/${edited.completed.id}/regenerate`, { body: {} });
      const regen = readTurn(await res.text());
      assert.equal(regen.created, undefined, 'no new user message');
      assert.equal(regen.completed.parent_id, edited.created.id);
      assert.notEqual(regen.completed.id, edited.completed.id);

      const all = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/messages`));
      assert.equal(all.data.length, 7);
      assert.deepEqual(all.data.map((m: any) => m.id), [first.created.id, first.completed.id, second.created.id, second.completed.id, edited.created.id, edited.completed.id, regen.completed.id], 'creation order');
      const children = (id: string | null) => all.data.filter((m: any) => m.parent_id === id).map((m: any) => m.id);
      assert.deepEqual(children(first.completed.id), [second.created.id, edited.created.id]);
      assert.deepEqual(children(edited.created.id), [edited.completed.id, regen.completed.id]);

      let conv = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`));
      assert.equal(conv.current_leaf_id, regen.completed.id);
      conv = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`, { method: 'PATCH', body: { current_leaf_id: second.completed.id } }));
      assert.equal(conv.current_leaf_id, second.completed.id);
      const md = await (await as(w.gw, w.ana, `/api/conversations/${c.id}/export?format=md`)).text();
      assert.ok(md.includes('llamas') && !md.includes('vicuñas'), 'the export follows the current branch');

      // What the model saw: the branch only (the simulator records the requests the gateway sent).
      const seen = (await (await fetch(`${w.gw.sim.url}/_simulator/requests`)).json()) as { data?: any[] } | any[];
      const requests = (Array.isArray(seen) ? seen : (seen.data ?? [])) as { path: string; body: any }[];
      const regenCall = requests.filter((r) => r.path === '/v1/chat/completions').map((r) => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body)).find((b) => b.messages?.at(-1)?.content === 'Second question about vicuñas' && b.messages.length === 3);
      assert.ok(regenCall, 'the regenerate call sent the edited branch');
      assert.deepEqual(regenCall.messages.map((m: any) => m.role), ['user', 'assistant', 'user']);
      assert.ok(!JSON.stringify(regenCall.messages).includes('llamas'), 'the other branch is not in the history');

      await fails(as(w.gw, w.ana, `/api/conversations/${c.id}`, { method: 'PATCH', body: { current_leaf_id: 'msg_nope' } }), 400, 'invalid_parameter', 'current_leaf_id');
      await fails(as(w.gw, w.ana, `/api/conversations/${c.id}/messages/${first.created.id}/regenerate`, { body: {} }), 400, 'invalid_parameter');
      await fails(as(w.gw, w.ana, `/api/conversations/${c.id}/messages/msg_nope/regenerate`, { body: {} }), 404, 'message_not_found');
    });

    test('the conversation totals equal the sum of the ledger rows linked to it, exactly, after several turns', async () => {
      const c = await newConversation(w.gw, w.ana, { model: 'gpt-4.1' });
      let parent: string | null = null;
      for (const q of ['One', 'Two, a little longer this time', 'Three: what are the costs of running a gateway?']) {
        const t = await turn(w.gw, w.ana, c.id, { content: q, parent_id: parent });
        parent = t.completed.id;
      }
      await turn(w.gw, w.ana, c.id, { content: 'Four on another model', parent_id: parent, model: 'gpt-4o-mini' });
      const conv = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`));
      const messages = (await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/messages`))).data as any[];
      const row = await w.gw.tg.store.db.selectFrom('conversations').select(['title_request_id']).where('id', '=', c.id).executeTakeFirstOrThrow();
      const linked = [...messages.map((m) => m.request_id).filter(Boolean), row.title_request_id].filter((x): x is string => x !== null);
      assert.equal(linked.length, 5, 'four turns and one title');
      await w.gw.tg.ledger.flush();
      const ledger = await w.gw.tg.store.db.selectFrom('usage_records').select(['cost_nanos', 'prompt_tokens', 'completion_tokens']).where('request_id', 'in', linked).execute();
      assert.equal(ledger.length, 5);
      const sum = (k: 'cost_nanos' | 'prompt_tokens' | 'completion_tokens') => ledger.reduce((n, r) => n + Number(r[k]), 0);
      assert.equal(nanos(conv.cost_usd), sum('cost_nanos'), 'cost, to the nano-dollar');
      assert.equal(conv.prompt_tokens, sum('prompt_tokens'));
      assert.equal(conv.completion_tokens, sum('completion_tokens'));
      assert.equal(conv.message_count, 8);
    });

    test('stop: a client that aborts mid-stream leaves a stopped reply with what arrived, billed as the ledger billed it', async () => {
      const c = await newConversation(w.gw, w.ana);
      w.gw.sim.faults.push({ kind: 'latency', ms: 0, chunk_ms: 150 } as never);
      const abort = new AbortController();
      const res = await w.gw.call(`/api/conversations/${c.id}/messages`, { key: w.ana.key, body: { content: 'Write a long story about a gateway.', parent_id: null, max_tokens: 200 } });
      // Read until the first delta arrives, then hang up.
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('message.delta')) seen += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      abort.abort();
      let stopped: any;
      for (let i = 0; i < 100 && !stopped; i++) {
        const list = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/messages`));
        stopped = list.data.find((m: any) => m.role === 'assistant');
        if (!stopped) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(stopped, 'the reply was stored');
      assert.equal(stopped.status, 'stopped');
      assert.ok(stopped.content.length > 0, 'with the text that had arrived');
      assert.ok(stopped.request_id);
      const row = await w.gw.tg.ledger.get(stopped.request_id);
      assert.ok(row);
      assert.equal(stopped.completion_tokens, row.completion_tokens);
      assert.equal(stopped.cost_usd === null ? null : nanos(stopped.cost_usd), row.cost_nanos);
      const conv = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`));
      assert.equal(conv.title, 'New conversation', 'a stopped first exchange does not name the conversation');
      w.gw.sim.faults.clear?.();
    });

    test('an exhausted budget ends the turn with an error event and a stored error reply, not a broken stream', async () => {
      const carl = await w.person({ teamRole: 'member' });
      const budget = await ok(w.gw.call('/api/budgets', { body: { scope: 'user', scope_id: carl.id, period: 'daily', limit_usd: '0.000001' } }), 201);
      const c = await newConversation(w.gw, carl);
      await turn(w.gw, carl, c.id, { content: 'spend it', parent_id: null }).catch(() => undefined);
      const t = await turn(w.gw, carl, c.id, { content: 'and again', parent_id: null });
      assert.equal(t.error.error.code, 'budget_exceeded');
      assert.equal(t.error.error.type, 'insufficient_quota');
      assert.equal(t.error.message.status, 'error');
      assert.equal(t.error.message.error.code, 'budget_exceeded');
      assert.equal(t.created.content, 'and again', 'the message itself is kept');
      const r = await as(w.gw, carl, `/api/conversations/${c.id}/messages`, { body: { content: 'no stream', parent_id: null, stream: false } });
      await fails(r, 429, 'budget_exceeded');
      await ok(w.gw.call(`/api/budgets/${budget.id}`, { method: 'DELETE' }));
    });

    test('bad input: empty message, 5 MB message, unknown parent, unknown fields, bad model', async () => {
      const c = await newConversation(w.gw, w.ana);
      const path = `/api/conversations/${c.id}/messages`;
      await fails(as(w.gw, w.ana, path, { body: { content: '', parent_id: null } }), 400, 'invalid_parameter', 'content');
      await fails(as(w.gw, w.ana, path, { body: { content: '  \n\t ', parent_id: null } }), 400, 'invalid_parameter', 'content');
      const huge = await fails(as(w.gw, w.ana, path, { body: { content: 'x'.repeat(5 * 1024 * 1024), parent_id: null } }), 400, 'invalid_parameter', 'content');
      assert.match(huge.error.message, /1,000,000 characters/);
      await fails(as(w.gw, w.ana, path, { body: { content: 'hi', parent_id: 'msg_elsewhere' } }), 400, 'invalid_parameter', 'parent_id');
      await fails(as(w.gw, w.ana, path, { body: { content: 'hi' } }), 400, 'invalid_parameter', 'parent_id');
      await fails(as(w.gw, w.ana, path, { body: { content: 'hi', parent_id: null, role: 'system' } }), 400, 'invalid_parameter', 'role');
      await fails(as(w.gw, w.ana, path, { body: { content: 'hi', parent_id: null, model: 'gpt 4; drop' } }), 400, 'invalid_parameter', 'model');
      await fails(as(w.gw, w.ana, path, { body: { content: 'hi', parent_id: null, temperature: 9 } }), 400, 'invalid_parameter', 'temperature');
      // Over the server's body limit: 413 before anything is parsed.
      await fails(as(w.gw, w.ana, path, { body: { content: 'x'.repeat(11 * 1024 * 1024), parent_id: null } }), 413, 'request_too_large');
      const list = await ok(as(w.gw, w.ana, `${path}`));
      assert.equal(list.data.length, 0, 'nothing was stored');
    });

    test('the personal key minted for workspace turns never leaves the process', async () => {
      const c = await newConversation(w.gw, w.ana);
      await turn(w.gw, w.ana, c.id, { content: 'hello', parent_id: null });
      const keys = await ok(as(w.gw, w.ana, '/api/keys'));
      const minted = keys.data.filter((k: any) => k.name === 'workspace chat (temporary, managed by Tollgate)');
      assert.equal(minted.length, 1, 'one short-lived key per person');
      assert.equal(minted[0].user_id, w.ana.id);
      assert.ok(minted[0].expires_at, 'it expires');
      const secretShape = new RegExp(`${minted[0].prefix}[A-Za-z0-9_-]{8,}`);
      const audit = JSON.stringify(await w.gw.tg.store.db.selectFrom('audit_events').selectAll().execute());
      assert.ok(!secretShape.test(w.gw.logs.join('\n')), 'not in the logs');
      assert.ok(!secretShape.test(audit), 'not in the audit log');
      assert.ok(!secretShape.test(JSON.stringify(keys)), 'not in the key list');
    });

    test('a turn made with a session (cookie and CSRF token) works like the web app will use it', async () => {
      const s = await w.signIn(w.ben);
      const headers = { cookie: `tg_session=${s.cookie}`, 'x-csrf-token': s.csrf };
      const c = await ok(w.gw.call('/api/conversations', { key: null, headers, body: { model: 'gpt-4o-mini' } }), 201);
      const res = await w.gw.call(`/api/conversations/${c.id}/messages`, { key: null, headers, body: { content: 'From the browser', parent_id: null } });
      const t = readTurn(await res.text());
      assert.equal(t.completed.status, 'complete');
      const row = await w.gw.tg.ledger.get(t.completed.request_id);
      assert.equal(row?.user_id, w.ben.id, 'billed to the signed-in person');
      const noCsrf = await w.gw.call(`/api/conversations/${c.id}/messages`, { key: null, headers: { cookie: `tg_session=${s.cookie}` }, body: { content: 'x', parent_id: null } });
      await fails(noCsrf, 403, 'csrf_token_invalid');
    });
  });
}
