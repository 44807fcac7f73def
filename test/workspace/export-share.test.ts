import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pdfText } from '../support/pdf-text.ts';
import { storeKinds } from '../support/stores.ts';
import { as, fails, newConversation, ok, startWorkspace, turn, type Workspace } from './support.ts';

for (const kind of storeKinds()) {
  describe(`export and share links (${kind.name})`, () => {
    let w: Workspace;
    let c: any;
    let first: any;
    let second: any;
    before(async () => {
      w = await startWorkspace(kind);
      c = await newConversation(w.gw, w.ana, { title: 'Žluťoučký kůň: ΑΒΓ report' });
      first = await turn(w.gw, w.ana, c.id, { content: 'Summarise our Q3 numbers.', parent_id: null });
      second = await turn(w.gw, w.ana, c.id, { content: 'Now show it as code:\n```\nprint("hello")\n```', parent_id: first.completed.id });
    });
    after(() => w.close());

    test('Markdown: the current branch, as an attachment', async () => {
      const res = await as(w.gw, w.ana, `/api/conversations/${c.id}/export?format=md`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/markdown/);
      assert.match(res.headers.get('content-disposition')!, /^attachment; filename="zlutoucky-kun-report\.md"$/);
      const md = await res.text();
      assert.ok(md.startsWith('# Žluťoučký kůň: ΑΒΓ report\n'));
      assert.ok(md.includes('## You\n\nSummarise our Q3 numbers.'));
      assert.ok(md.includes(`## Assistant · ${first.completed.model}\n\n${first.completed.content}`));
      assert.ok(md.indexOf('Summarise') < md.indexOf('Now show it as code'), 'root first');
    });

    test('JSON: the conversation and the branch as the API shows them', async () => {
      const res = await as(w.gw, w.ana, `/api/conversations/${c.id}/export?format=json`);
      assert.match(res.headers.get('content-disposition')!, /\.json"$/);
      const doc = await res.json() as any;
      assert.equal(doc.object, 'conversation.export');
      assert.equal(doc.conversation.id, c.id);
      assert.deepEqual(doc.messages.map((m: any) => m.id), [first.created.id, first.completed.id, second.created.id, second.completed.id]);
      assert.equal(doc.messages[3].cost_usd, second.completed.cost_usd);
    });

    test('PDF: a real PDF whose text holds the title and the messages, non-Latin letters included', async () => {
      const res = await as(w.gw, w.ana, `/api/conversations/${c.id}/export?format=pdf`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
      const pdf = await pdfText(bytes);
      assert.equal(pdf.title, 'Žluťoučký kůň: ΑΒΓ report');
      const text = pdf.text.replace(/\s+/g, ' ');
      assert.ok(text.includes('Žluťoučký kůň: ΑΒΓ report'), text.slice(0, 200));
      assert.ok(text.includes('Summarise our Q3 numbers.'));
      assert.ok(text.includes('print("hello")'));
      assert.ok(text.includes(first.completed.content.replace(/\s+/g, ' ').slice(0, 40)));
    });

    test('bad format: 400; an empty conversation exports just its title', async () => {
      await fails(as(w.gw, w.ana, `/api/conversations/${c.id}/export?format=docx`), 400, 'invalid_parameter', 'format');
      const empty = await newConversation(w.gw, w.ana, { title: 'Nothing yet' });
      const md = await (await as(w.gw, w.ana, `/api/conversations/${empty.id}/export`)).text();
      assert.ok(md.startsWith('# Nothing yet'));
    });

    test('share link: shown once, opened signed out, read-only, no ids or costs; revoked → 404', async () => {
      const created = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/shares`, { body: {} }), 201);
      assert.equal(created.object, 'share');
      assert.match(created.token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(created.url, `${w.gw.url}/share/${created.token}`);
      assert.equal(created.leaf_message_id, second.completed.id);
      const stored = await w.gw.tg.store.db.selectFrom('conversation_shares').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, created.token, 'only a hash is stored');
      assert.ok(!JSON.stringify(stored).includes(created.token));
      const listed = await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/shares`));
      assert.deepEqual(listed.data.map((s: any) => [s.id, s.token, s.url]), [[created.id, null, null]], 'the token is not shown again');

      // Later messages on the branch are not part of what was shared.
      await turn(w.gw, w.ana, c.id, { content: 'A private follow-up', parent_id: second.completed.id });

      const res = await w.gw.call(`/api/shared/${created.token}`, { key: null });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const text = await res.text();
      const shared = JSON.parse(text);
      assert.equal(shared.title, 'Žluťoučký kůň: ΑΒΓ report');
      assert.deepEqual(shared.messages.map((m: any) => [m.role, m.content]), [
        ['user', first.created.content],
        ['assistant', first.completed.content],
        ['user', second.created.content],
        ['assistant', second.completed.content],
      ]);
      for (const secret of [w.ana.id, w.gw.tg.home.org.id, c.id, first.created.id, first.completed.request_id, 'cost_usd', 'request_id', 'A private follow-up', w.ana.email]) {
        assert.ok(!text.includes(secret), `the shared view reveals ${secret}`);
      }
      // Read-only: nothing under /api/shared changes anything.
      for (const method of ['POST', 'PATCH', 'DELETE', 'PUT']) {
        const r = await w.gw.call(`/api/shared/${created.token}`, { key: null, method, body: {} });
        assert.equal(r.status, 404, method);
      }

      await fails(as(w.gw, w.ben, `/api/shares/${created.id}`, { method: 'DELETE' }), 404, 'share_not_found');
      const revoked = await ok(as(w.gw, w.ana, `/api/shares/${created.id}`, { method: 'DELETE' }));
      assert.ok(revoked.revoked_at);
      await fails(w.gw.call(`/api/shared/${created.token}`, { key: null }), 404, 'share_not_found');
      assert.deepEqual((await ok(as(w.gw, w.ana, `/api/conversations/${c.id}/shares`))).data, []);
      const audit = await w.gw.tg.store.db.selectFrom('audit_events').select(['action', 'after']).where('target', '=', created.id).execute();
      assert.deepEqual(audit.map((a) => a.action).sort(), ['share.created', 'share.revoked']);
      assert.ok(!JSON.stringify(audit).includes(created.token));
    });

    test('a guessed or malformed token is 404; deleting the conversation ends its links; temporary ones cannot be shared', async () => {
      // A long token is just another unknown one (path parameters are checked by their routes, not cut at 100 characters).
      for (const token of ['x', 'A'.repeat(43), '../../etc/passwd', 'A'.repeat(90), 'A'.repeat(500)]) {
        const r = await w.gw.call(`/api/shared/${encodeURIComponent(token)}`, { key: null });
        assert.equal(r.status, 404, token.slice(0, 20));
      }
      const d = await newConversation(w.gw, w.ana);
      await fails(as(w.gw, w.ana, `/api/conversations/${d.id}/shares`, { body: {} }), 400, 'invalid_parameter');
      const t = await turn(w.gw, w.ana, d.id, { content: 'short lived', parent_id: null });
      const s = await ok(as(w.gw, w.ana, `/api/conversations/${d.id}/shares`, { body: { message_id: t.created.id } }), 201);
      const opened = await ok(w.gw.call(`/api/shared/${s.token}`, { key: null }));
      assert.equal(opened.messages.length, 1, 'the branch ending at message_id');
      await ok(as(w.gw, w.ana, `/api/conversations/${d.id}`, { method: 'DELETE' }));
      await fails(w.gw.call(`/api/shared/${s.token}`, { key: null }), 404, 'share_not_found');
      const temp = await newConversation(w.gw, w.ana, { temporary: true });
      await turn(w.gw, w.ana, temp.id, { content: 'x', parent_id: null });
      await fails(as(w.gw, w.ana, `/api/conversations/${temp.id}/shares`, { body: {} }), 400, 'invalid_parameter');
    });

    test('a disabled owner\'s links stop working', async () => {
      const p = await w.person({ teamRole: 'member' });
      const d = await newConversation(w.gw, p);
      await turn(w.gw, p, d.id, { content: 'hello', parent_id: null });
      const s = await ok(as(w.gw, p, `/api/conversations/${d.id}/shares`, { body: {} }), 201);
      await ok(w.gw.call(`/api/shared/${s.token}`, { key: null }));
      await ok(w.gw.call(`/api/users/${p.id}`, { method: 'PATCH', body: { status: 'disabled' } }));
      await fails(w.gw.call(`/api/shared/${s.token}`, { key: null }), 404, 'share_not_found');
    });
  });
}

describe('the public share route is rate-limited like the other public routes', () => {
  test('over TOLLGATE_PUBLIC_RATE_LIMIT per minute from one address: 429 with Retry-After', async () => {
    const [kind] = storeKinds();
    const w = await startWorkspace(kind!, { TOLLGATE_PUBLIC_RATE_LIMIT: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await w.gw.call(`/api/shared/${'A'.repeat(43)}`, { key: null })).status);
      assert.deepEqual(statuses, [404, 404, 404, 404, 404, 429, 429]);
      const r = await w.gw.call(`/api/shared/${'A'.repeat(43)}`, { key: null });
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
      await fails(r, 429, 'rate_limit_exceeded');
    } finally {
      await w.close();
    }
  });
});
