import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../src/access/change-record.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

/*
 * Issue 8, point 9: `tollgate keys revoke` (another process) printed "revoked" but the running server
 * kept accepting the key for up to 30 s (the key cache TTL); the same held between instances.
 * Revocations, expiries, role and membership changes must reach every process on the same store
 * within one second. The cache TTL stays at its default (30 s) here, so only the change feed can
 * make these pass. On SQLite one server holds a data folder (a second is refused), so there the other
 * process is the CLI; two running instances share a PostgreSQL store.
 */
const BIN = join(import.meta.dirname, '../../bin/tollgate.js');
const hello = { model: 'gpt-4o-mini', max_tokens: 8, messages: [{ role: 'user', content: 'hello' }] };

/** Polls `probe` until it returns `want`; resolves with the elapsed milliseconds, or -1 after `withinMs`. */
async function settlesWithin(probe: () => Promise<number>, want: number, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= withinMs) {
    if ((await probe()) === want) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  return -1;
}

function nonNull<T>(v: T | undefined): T {
  assert.ok(v !== undefined, 'second instance started');
  return v;
}

for (const kind of storeKinds()) {
  describe(`changes reach every process on one ${kind.name} store within a second`, () => {
    let store: TestStore;
    let a: TestGateway;
    let b: TestGateway | undefined;
    const shared = kind.name === 'postgres';
    before(async () => {
      store = await kind.create();
      a = await startGateway({ store });
      if (shared) b = await startGateway({ store });
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await store?.dispose();
    });

    const b_ = () => b;
    const chat = (gw: TestGateway, key: string) => gw.call('/v1/chat/completions', { key, body: hello }).then((r) => r.status);

    test('`tollgate keys revoke` run as another process stops the key in both running servers', async () => {
      const created = (await (await a.call('/api/keys', { body: { name: 'cli revoked' } })).json()) as { id: string; key: string };
      const servers = b ? [a, b] : [a];
      for (const gw of servers) assert.equal(await chat(gw, created.key), 200);
      const env: NodeJS.ProcessEnv = { ...process.env, TOLLGATE_DATA_DIR: store.dataDir, ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}) };
      delete env.TOLLGATE_ADMIN_KEY;
      const cli = spawnSync(process.execPath, [BIN, 'keys', 'revoke', created.id], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(cli.stdout, /revoked/);
      for (const gw of servers) {
        const ms = await settlesWithin(() => chat(gw, created.key), 401, 1_000);
        assert.ok(ms >= 0, `still accepted by ${gw === a ? 'A' : 'B'} a second after the CLI revoked it`);
      }
    });

    test('a key revoked through one instance stops on the other within a second', { skip: shared ? false : 'one server per SQLite data folder' }, async () => {
      const b = nonNull(b_());
      const created = (await (await a.call('/api/keys', { body: { name: 'api revoked' } })).json()) as { id: string; key: string };
      assert.equal(await chat(b, created.key), 200);
      assert.equal((await a.call(`/api/keys/${created.id}`, { method: 'DELETE' })).status, 200);
      assert.ok((await settlesWithin(() => chat(b, created.key), 401, 1_000)) >= 0);
    });

    test('a membership removed, a user disabled, an expiry moved on one instance apply on the other within a second', { skip: shared ? false : 'one server per SQLite data folder' }, async () => {
      const b = nonNull(b_());
      const { directory, keys, home } = a.tg;
      const ctx: ChangeContext = { actorId: 'system', orgId: home.org.id };
      const user = await directory.createUser({ orgId: home.org.id, email: `moved-${Date.now()}@example.com`, name: 'Moved' }, ctx);
      await directory.setMembership(home.defaultTeam.id, user.id, 'member', ctx);
      const { key, secret } = await keys.create({ name: 'member key', orgId: home.org.id, teamId: home.defaultTeam.id, userId: user.id }, ctx);
      assert.equal(await chat(b, secret), 200);

      assert.equal((await a.call(`/api/teams/${home.defaultTeam.id}/members/${user.id}`, { method: 'DELETE' })).status, 200);
      assert.ok((await settlesWithin(() => chat(b, secret), 403, 1_000)) >= 0, 'membership removal not seen by B');

      await directory.setMembership(home.defaultTeam.id, user.id, 'member', ctx);
      assert.ok((await settlesWithin(() => chat(b, secret), 200, 1_000)) >= 0, 'membership added back not seen by B');
      assert.equal((await a.call(`/api/users/${user.id}`, { method: 'PATCH', body: { status: 'disabled' } })).status, 200);
      assert.ok((await settlesWithin(() => chat(b, secret), 401, 1_000)) >= 0, 'disabled user not seen by B');

      await a.call(`/api/users/${user.id}`, { method: 'PATCH', body: { status: 'active' } });
      assert.ok((await settlesWithin(() => chat(b, secret), 200, 1_000)) >= 0);
      const soon = new Date(Date.now() + 1_500).toISOString();
      assert.equal((await a.call(`/api/keys/${key.id}`, { method: 'PATCH', body: { expires_at: soon } })).status, 200);
      assert.ok((await settlesWithin(() => chat(b, secret), 401, 2_500)) >= 0, 'the new expiry not seen by B');
    });
  });
}
