import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { as, newConversation, ok, startWorkspace, turn, type Person, type Workspace } from './support.ts';

for (const kind of storeKinds()) {
  describe(`full-text search (${kind.name})`, () => {
    let w: Workspace;
    let p: Person;
    const search = async (q: string, who: Person = p) => (await ok(as(w.gw, who, `/api/conversations/search?q=${encodeURIComponent(q)}`))).data as any[];
    before(async () => {
      w = await startWorkspace(kind);
      p = await w.person({ teamRole: 'member' });
    });
    after(() => w.close());

    test('finds titles and message text by word prefix, with a plain-text snippet', async () => {
      const a = await newConversation(w.gw, p, { title: 'Kubernetes migration plan' });
      const b = await newConversation(w.gw, p, { title: 'Holiday ideas' });
      const tb = await turn(w.gw, p, b.id, { content: 'Which islands near Kubernetes-free Croatia have quiet beaches and good ferries?', parent_id: null });
      const hits = await search('kubern');
      assert.deepEqual(hits.map((h) => [h.conversation_id, h.message_id]), [[a.id, null], [b.id, tb.created.id]], 'title hits first, then messages');
      assert.equal(hits[0].title, 'Kubernetes migration plan');
      assert.ok(hits[1].snippet.includes('Kubernetes'), hits[1].snippet);
      assert.ok(!/[<>]/.test(hits[1].snippet), 'no markup');
      assert.match(hits[1].updated_at, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual((await search('quiet ferr')).map((h) => h.message_id), [tb.created.id], 'every word must match, each as a prefix');
      assert.deepEqual(await search('quiet submarine'), []);
      assert.deepEqual((await search('CROATIA')).map((h) => h.message_id), [tb.created.id], 'case-insensitive');
    });

    test('query syntax of either engine is just words', async () => {
      const c = await newConversation(w.gw, p, { title: 'Operators and quotes' });
      await turn(w.gw, p, c.id, { content: 'alpha beta gamma', parent_id: null });
      for (const q of ['"alpha', 'alpha OR beta', 'NEAR(alpha beta)', 'alpha:* & !beta', "alpha'); drop table conversations; --", '*alpha*', 'alpha -beta', 'title:alpha']) {
        const hits = await search(q);
        assert.ok(Array.isArray(hits), q);
      }
      assert.equal((await search('alpha OR beta')).length, 0, '"or" is a word here, and no message has it');
      assert.equal((await search('alpha (beta)')).length, 1);
      assert.ok(await w.gw.tg.store.db.selectFrom('conversations').select('id').executeTakeFirst(), 'the table is still there');
    });

    test('stays in sync: a rename is found under the new title, a deleted conversation is gone, temporary ones are never found', async () => {
      const c = await newConversation(w.gw, p, { title: 'Zebra crossing' });
      await turn(w.gw, p, c.id, { content: 'okapi facts please', parent_id: null });
      await ok(as(w.gw, p, `/api/conversations/${c.id}`, { method: 'PATCH', body: { title: 'Giraffe crossing' } }));
      assert.deepEqual(await search('zebra'), []);
      assert.deepEqual((await search('giraffe')).map((h) => h.conversation_id), [c.id]);
      const temp = await newConversation(w.gw, p, { title: 'Okapi scratch', temporary: true });
      await turn(w.gw, p, temp.id, { content: 'okapi in a temporary chat', parent_id: null });
      assert.deepEqual((await search('okapi')).map((h) => h.conversation_id), [c.id]);
      await ok(as(w.gw, p, `/api/conversations/${c.id}`, { method: 'DELETE' }));
      assert.deepEqual(await search('okapi'), []);
      assert.deepEqual(await search('giraffe'), []);
      if (kind.name === 'sqlite') {
        // The external-content indexes agree with their tables.
        await sql`insert into conversations_fts(conversations_fts) values ('integrity-check')`.execute(w.gw.tg.store.db);
        await sql`insert into conversation_messages_fts(conversation_messages_fts) values ('integrity-check')`.execute(w.gw.tg.store.db);
      }
    });

    test("never finds someone else's conversations", async () => {
      const c = await newConversation(w.gw, w.ana, { title: 'Narwhal budget' });
      await turn(w.gw, w.ana, c.id, { content: 'narwhal tusks', parent_id: null });
      assert.equal((await search('narwhal', w.ana)).length, 2);
      assert.deepEqual(await search('narwhal', p), []);
      assert.deepEqual(await search('narwhal', w.olga), []);
    });

    test('a long message is found by words near its start', async () => {
      const c = await newConversation(w.gw, p, { title: 'Long paste' });
      const long = `quokka ${'lorem ipsum dolor sit amet '.repeat(8_000)}`;
      await ok(as(w.gw, p, `/api/conversations/${c.id}/messages`, { body: { content: long, parent_id: null, stream: false, max_tokens: 5 } }));
      assert.equal((await search('quokka')).length, 1);
    });
  });
}
