import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanEnv, REPO, serve, stop, type Served } from './cli-process.ts';

/*
 * Issue 9.6: on later starts the banner did not say how to get a key when the one printed on the
 * first start was lost. It now prints a command; that exact command must work.
 */
describe('the banner of a later start', () => {
  let dir: string;
  let served: Served | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate banner '));
    const first = await serve(cleanEnv({ PORT: '0', TOLLGATE_DATA_DIR: dir }));
    assert.ok(first.key, 'the first start shows a key');
    await stop(first.proc);
    served = await serve(cleanEnv({ PORT: '0', TOLLGATE_DATA_DIR: dir }));
  });
  after(async () => {
    await stop(served?.proc);
    rmSync(dir, { recursive: true, force: true });
  });

  test('shows no key, and the command it prints makes a working key of the owner', async () => {
    assert.equal(served!.key, undefined);
    const [, command] = /Lost it\? .*\n {4}(.+)\n/.exec(served!.banner) ?? [];
    assert.ok(command, served!.banner);
    assert.match(command, /npx tollgate keys create --name/);
    // Run as printed, by a shell, without the test's TOLLGATE_DATA_DIR: the command names the directory itself.
    const r = spawnSync('bash', ['-c', command], { cwd: REPO, env: cleanEnv(), encoding: 'utf8', timeout: 90_000 });
    assert.equal(r.status, 0, r.stderr);
    const secret = /key \(shown once\): (tg-\S+)/.exec(r.stdout)![1]!;
    const me = await fetch(`${served!.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);
    const body = (await me.json()) as { user: { email: string }; org_role: string };
    assert.equal(body.user.email, 'owner@tollgate.localhost');
    assert.equal(body.org_role, 'owner');
  });
});
