import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds } from '../support/stores.ts';
import { as, fails, newConversation, ok, startWorkspace, turn, type Workspace } from './support.ts';

for (const kind of storeKinds()) {
  describe(`conversations API (${kind.name})`, () => {
    let w: Workspace;
    before(async () => {
      w = await startWorkspace(kind);
    });
    after(() => w.close());

    test('create, read, change and delete a conversation', async () => {
      const c = await newConversation(w.gw, w.ana, { title: 'Quarterly plan', folder: 'Work', tags: ['q3', 'plan', 'q3'] });
      assert.equal(c.object, 'conversation');
      assert.match(c.id, /^conv_/);
      assert.deepEqual(
        { title: c.title, model: c.model, folder: c.folder, tags: c.tags, pinned: c.pinned, archived: c.archived, temporary: c.temporary, message_count: c.message_count, cost_usd: c.cost_usd, prompt_tokens: c.prompt_tokens, completion_tokens: c.completion_tokens, current_leaf_id: c.current_leaf_id },
        { title: 'Quarterly plan', model: 'gpt-4o-mini', folder: 'Work', tags: ['q3', 'plan'], pinned: false, archived: false, temporary: false, message_count: 0, cost_usd: '0.00', prompt_tokens: 0, completion_tokens: 0, current_leaf_id: null },
      );
      assert.deepEqual(await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`)), c);
      const changed = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`, { method: 'PATCH', body: { title: 'Q3 plan', folder: null, tags: [], pinned: true, model: 'gpt-4.1' } }));
      assert.deepEqual([changed.title, changed.folder, changed.tags, changed.pinned, changed.model], ['Q3 plan', null, [], true, 'gpt-4.1']);
      assert.deepEqual(await ok(as(w.gw, w.ana, `/api/conversations/${c.id}`, { method: 'DELETE' })), { id: c.id, object: 'conversation', deleted: true });
      await fails(as(w.gw, w.ana, `/api/conversations/${c.id}`), 404, 'conversation_not_found');
    });

    test('the list: newest activity first, filters, archived and temporary apart, cursor pages', async () => {
      const p = await w.person({ teamRole: 'member' });
      const made: any[] = [];
      for (let i = 0; i < 5; i++) made.push(await newConversation(w.gw, p, { title: `Chat ${i}`, folder: i % 2 === 0 ? 'Even' : 'Odd' }));
      await new Promise((r) => setTimeout(r, 5));
      await turn(w.gw, p, made[1].id, { content: 'bring me to the top', parent_id: null });
      await ok(as(w.gw, p, `/api/conversations/${made[2].id}`, { method: 'PATCH', body: { archived: true } }));
      await ok(as(w.gw, p, `/api/conversations/${made[3].id}`, { method: 'PATCH', body: { pinned: true } }));
      const temp = await newConversation(w.gw, p, { temporary: true, title: 'Scratch' });

      const list = await ok(as(w.gw, p, '/api/conversations'));
      assert.equal(list.object, 'list');
      assert.deepEqual(list.data.map((c: any) => c.id), [made[1].id, made[4].id, made[3].id, made[0].id], 'activity order; archived and temporary left out');
      assert.equal(list.next_cursor, null);
      assert.deepEqual((await ok(as(w.gw, p, '/api/conversations?archived=true'))).data.map((c: any) => c.id), [made[2].id]);
      assert.deepEqual((await ok(as(w.gw, p, '/api/conversations?temporary=true'))).data.map((c: any) => c.id), [temp.id]);
      assert.deepEqual((await ok(as(w.gw, p, '/api/conversations?pinned=true'))).data.map((c: any) => c.id), [made[3].id]);
      assert.deepEqual((await ok(as(w.gw, p, '/api/conversations?folder=Even'))).data.map((c: any) => c.id), [made[4].id, made[0].id]);
      assert.deepEqual((await ok(as(w.gw, p, `/api/conversations?q=${encodeURIComponent('chat 4')}`))).data.map((c: any) => c.id), [made[4].id]);
      assert.deepEqual((await ok(as(w.gw, p, `/api/conversations?q=${encodeURIComponent('%')}`))).data, [], 'LIKE wildcards are literal');

      const pages: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await ok(as(w.gw, p, `/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
        pages.push(...page.data.map((c: any) => c.id));
        assert.ok(page.data.length <= 2);
        cursor = page.next_cursor;
      } while (cursor);
      assert.deepEqual(pages, list.data.map((c: any) => c.id), 'pages walk the same list without gaps or repeats');

      const folders = await ok(as(w.gw, p, '/api/conversations/folders'));
      assert.deepEqual(folders, { object: 'list', data: [{ name: 'Even', count: 2 }, { name: 'Odd', count: 2 }] });
    });

    test('bad input gets clear errors and changes nothing', async () => {
      const c = await newConversation(w.gw, w.ana, { title: 'Stable' });
      for (const cursor of ['garbage', '!!!', Buffer.from('[1]').toString('base64url'), Buffer.from('["x","y"]').toString('base64url'), 'a'.repeat(600)]) {
        await fails(as(w.gw, w.ana, `/api/conversations?cursor=${encodeURIComponent(cursor)}`), 400, 'invalid_parameter');
      }
      await fails(as(w.gw, w.ana, '/api/conversations?limit=0'), 400, 'invalid_parameter', 'limit');
      await fails(as(w.gw, w.ana, '/api/conversations?archived=maybe'), 400, 'invalid_parameter', 'archived');
      const path = `/api/conversations/${c.id}`;
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }), 400, 'invalid_parameter', 'tags');
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { tags: ['x'.repeat(51)] } }), 400, 'invalid_parameter', 'tags[0]');
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { folder: 'Work\nStuff' } }), 400, 'invalid_parameter', 'folder');
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { folder: 'evil\u202Efdp.exe' } }), 400, 'invalid_parameter', 'folder');
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { folder: '\u0007' } }), 400, 'invalid_parameter', 'folder');
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { folder: 'x'.repeat(101) } }), 400, 'invalid_parameter', 'folder');
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { title: '   ' } }), 400, 'invalid_parameter', 'title');
      await fails(as(w.gw, w.ana, path, { method: 'PATCH', body: { owner: w.ben.id } }), 400, 'invalid_parameter', 'owner');
      await fails(as(w.gw, w.ana, '/api/conversations', { body: { title: 'no model' } }), 400, 'invalid_parameter', 'model');
      await fails(as(w.gw, w.ana, '/api/conversations', { body: '{"model":' }), 400, 'invalid_json');
      await fails(as(w.gw, w.ana, '/api/conversations/search?q=%20'), 400, 'invalid_parameter', 'q');
      await fails(as(w.gw, w.ana, '/api/conversations/search?q=%22*%3A()'), 400, 'invalid_parameter', 'q');
      const same = await ok(as(w.gw, w.ana, path));
      assert.deepEqual([same.title, same.folder, same.tags], ['Stable', null, []]);
    });

    test("other people's conversations answer 404, also to the organization's owner; lists never show them", async () => {
      const c = await newConversation(w.gw, w.ana, { title: 'Private thoughts', folder: 'Secret folder' });
      const t = await turn(w.gw, w.ana, c.id, { content: 'my private words', parent_id: null });
      const share = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/shares`, { body: {} }), 201);
      const base = `/api/conversations/${c.id}`;
      const attempts: [string, string, unknown?][] = [
        ['GET', base],
        ['PATCH', base, { title: 'mine now' }],
        ['DELETE', base],
        ['GET', `${base}/messages`],
        ['POST', `${base}/messages`, { content: 'hi', parent_id: null }],
        ['POST', `${base}/messages/${t.completed.id}/regenerate`, {}],
        ['GET', `${base}/export?format=md`],
        ['GET', `${base}/shares`],
        ['POST', `${base}/shares`, {}],
        ['DELETE', `/api/shares/${share.id}`],
        ['POST', '/api/conversations/estimate', { conversation_id: c.id, model: 'gpt-4o-mini', content: 'x' }],
      ];
      for (const who of [w.ben, w.olga, w.vic]) {
        for (const [method, path, body] of attempts) {
          const res = await as(w.gw, who, path, { method, ...(body === undefined ? {} : { body }) });
          // A viewer may write nothing at all: refused before the id is even looked at (403, reveals nothing).
          const expected = who === w.vic && method !== 'GET' && !path.endsWith('/estimate') ? 403 : 404;
          assert.equal(res.status, expected, `${method} ${path} → ${res.status} ${await res.clone().text()}`);
        }
        for (const list of ['/api/conversations', '/api/conversations?archived=true', '/api/conversations/folders', '/api/conversations/search?q=private']) {
          const text = await (await as(w.gw, who, list)).text();
          for (const secret of [c.id, t.completed.id, 'Private thoughts', 'Secret folder', 'private words']) assert.ok(!text.includes(secret), `${list} shows ${secret}`);
        }
      }
      const still = await ok(as(w.gw, w.ana, base));
      assert.equal(still.title, 'Private thoughts');
      assert.equal(still.message_count, 2);
      assert.equal((await ok(as(w.gw, w.ana, `${base}/shares`))).data.length, 1, 'the share was not revoked by anyone else');
    });

    test('a viewer reads their own conversations but cannot write; an auditor has none; a service key is not a person', async () => {
      const vics = await newConversation(w.gw, w.olga); // made by the owner, to prove the viewer cannot create
      assert.ok(vics.id);
      await fails(as(w.gw, w.vic, '/api/conversations', { body: { model: 'gpt-4o-mini' } }), 403, 'permission_denied');
      assert.equal((await ok(as(w.gw, w.vic, '/api/conversations'))).object, 'list');
      const audrey = await w.person({ teamRole: null, orgRole: 'auditor' });
      await fails(as(w.gw, audrey, '/api/conversations'), 403, 'permission_denied');
      const service = await w.gw.createKey({ kind: 'service', team_id: w.gw.tg.home.defaultTeam.id, role: 'member' });
      await fails(as(w.gw, service, '/api/conversations', { body: { model: 'gpt-4o-mini' } }), 400, 'not_a_user');
      await fails(as(w.gw, service, '/api/conversations'), 400, 'not_a_user');
    });

    test('without credentials: 401', async () => {
      const res = await w.gw.call('/api/conversations', { key: null });
      assert.equal(res.status, 401);
    });
  });
}
