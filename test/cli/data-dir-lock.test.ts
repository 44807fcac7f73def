import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanEnv, exited, runTollgate, serve, stop, type Served } from './cli-process.ts';

/*
 * Issue 9.10: two servers on the same SQLite data directory ran side by side without a word. The
 * second one now refuses to start; CLI commands keep sharing the store with the running server.
 */
describe('two tollgate servers on one data directory', () => {
  let dir: string;
  let first: Served;
  let third: Served | undefined;
  const env = () => cleanEnv({ PORT: '0', TOLLGATE_DATA_DIR: dir });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-lock-'));
    first = await serve(env());
  });
  after(async () => {
    await stop(first?.proc);
    await stop(third?.proc);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the second server refuses with a clear message naming the first one', () => {
    const r = runTollgate(['serve'], env());
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`another Tollgate \\(pid ${first.proc.pid} .*is already serving the data directory ${dir.replaceAll('.', '\\.')}.*TOLLGATE_DATA_DIR`));
    assert.doesNotMatch(r.stdout, /listening/);
  });

  test('CLI commands on the same directory keep working while the server runs, and the server honours them', async () => {
    const created = runTollgate(['keys', 'create', '--name', 'made while serving'], env());
    assert.equal(created.status, 0, created.stderr);
    const secret = /key \(shown once\): (tg-\S+)/.exec(created.stdout)![1]!;
    const res = await fetch(`${first.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(res.status, 200);
    const listed = runTollgate(['keys', 'list'], env());
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /made while serving/);
  });

  test('a server killed without a chance to clean up leaves no stale lock: the next one starts', async () => {
    const done = exited(first.proc);
    first.proc.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    third = await serve(env());
    const res = await fetch(`${third.url}/v1/models`);
    assert.equal(res.status, 401, 'it serves (and wants a key)');
  });
});
