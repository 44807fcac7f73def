import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withCliAccess } from '../../src/cli/access-session.ts';
import { loadConfig } from '../../src/config/index.ts';
import { cleanEnv, runTollgate } from './cli-process.ts';

/*
 * Issue 9.7: `keys list` and `users list` printed a raw console.table: an `(index)` column, quoted
 * strings, ids where a person wants names and emails. Now a readable table, and `--json` for scripts.
 */
describe('tollgate keys list and users list', () => {
  let dir: string;
  const env = () => cleanEnv({ TOLLGATE_DATA_DIR: dir });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-listings-'));
    // A directory as an operator would have it: a team, a member of it, a service key used 3 minutes ago.
    await withCliAccess(loadConfig(env()), async ({ store, directory, keys, home, ctx }) => {
      const research = await directory.createTeam(home.org.id, 'Research', ctx);
      const ana = await directory.createUser({ orgId: home.org.id, email: 'ana@example.com', name: 'Ana Lima', orgRole: null }, ctx);
      await directory.setMembership(research.id, ana.id, 'admin', ctx);
      const { key } = await keys.create({ name: 'support bot', orgId: home.org.id, teamId: research.id, role: 'member', allowedModels: ['gpt-4o-mini'] }, ctx);
      await store.db.updateTable('api_keys').set({ last_used_at: Date.now() - 3 * 60_000 }).where('id', '=', key.id).execute();
      await keys.create({ name: "owner's laptop", orgId: home.org.id, userId: home.owner.id, expiresAt: Date.now() + 5 * 86_400_000 + 3_600_000 }, ctx);
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const notConsoleTable = (text: string) => {
    assert.doesNotMatch(text, /\(index\)|[│┌└]/);
    assert.doesNotMatch(text, /'/, 'no quoted strings');
  };

  test('keys list: names, the owner by email or the team by name, relative times', () => {
    const r = runTollgate(['keys', 'list'], env());
    assert.equal(r.status, 0, r.stderr);
    notConsoleTable(r.stdout.replace("owner's laptop", '').replace("user's", ''));
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^ID\s+NAME\s+PREFIX\s+BELONGS TO\s+ROLE\s+MODELS\s+CREATED\s+LAST USED\s+EXPIRES\s+STATE$/);
    const bot = lines.find((l) => l.includes('support bot'))!;
    assert.match(bot, /team Research\s+member\s+gpt-4o-mini\s+just now\s+3 min ago\s+never\s+active/);
    const laptop = lines.find((l) => l.includes("owner's laptop"))!;
    assert.match(laptop, /owner@tollgate\.localhost\s+user's\s+all\s+just now\s+never\s+in 5 days\s+active/);
    assert.doesNotMatch(bot + laptop, /usr_|team_/, 'names, not ids, for owners and teams');
  });

  test('users list: emails, names, teams by name with the role, relative times', () => {
    const r = runTollgate(['users', 'list'], env());
    assert.equal(r.status, 0, r.stderr);
    notConsoleTable(r.stdout);
    const ana = r.stdout.split('\n').find((l) => l.includes('ana@example.com'))!;
    assert.match(ana, /ana@example\.com\s+Ana Lima\s+Research \(admin\)\s+active\s+none\s+off\s+just now\s+never/);
    assert.doesNotMatch(ana, /team_|org_/);
  });

  test('--json gives scripts ids and names, ISO times, and no secrets', () => {
    const k = runTollgate(['keys', 'list', '--json'], env());
    assert.equal(k.status, 0, k.stderr);
    const keys = JSON.parse(k.stdout) as { name: string; team: { id: string; name: string } | null; user: { email: string } | null; last_used_at: string | null; state: string }[];
    const bot = keys.find((x) => x.name === 'support bot')!;
    assert.equal(bot.team?.name, 'Research');
    assert.match(bot.team!.id, /^team_/);
    assert.ok(Date.now() - Date.parse(bot.last_used_at!) >= 3 * 60_000);
    assert.equal(keys.find((x) => x.name === "owner's laptop")!.user?.email, 'owner@tollgate.localhost');
    assert.doesNotMatch(k.stdout, /"hash"|tg-[A-Za-z0-9_-]{20,}/);

    const u = runTollgate(['users', 'list', '--json'], env());
    assert.equal(u.status, 0, u.stderr);
    const users = JSON.parse(u.stdout) as { email: string; teams: { name: string; role: string }[]; has_password: boolean }[];
    assert.deepEqual(users.find((x) => x.email === 'ana@example.com')!.teams.map((t) => [t.name, t.role]), [['Research', 'admin']]);
    assert.doesNotMatch(u.stdout, /password_hash|totp_secret|\$argon2/);
  });
});
