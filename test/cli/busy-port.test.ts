import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanEnv, runTollgate, serve, stop, type Served } from './cli-process.ts';

/*
 * Issue 9.4: a busy port printed a raw `Error: listen EADDRINUSE` stack; and since the store was
 * set up before listening, the first start's admin key was made and never shown.
 */
describe('tollgate serve on a port that is already taken', () => {
  let dir: string;
  let blocker: Server;
  let port: number;
  let served: Served | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-busy-port-'));
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    port = (blocker.address() as { port: number }).port;
  });
  after(async () => {
    await stop(served?.proc);
    await new Promise((r) => blocker.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('says in one line what is wrong and what to set, and exits non-zero', () => {
    const r = runTollgate(['serve'], cleanEnv({ PORT: String(port), HOST: '127.0.0.1', TOLLGATE_DATA_DIR: dir }));
    assert.notEqual(r.status, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use \\(another Tollgate running\\?\\).*PORT`));
    assert.doesNotMatch(r.stderr + r.stdout, /EADDRINUSE|\n\s+at /);
    assert.ok(!existsSync(join(dir, 'tollgate.db')), 'nothing was set up in the data directory');
  });

  test('the next start on a free port still shows the first admin key', async () => {
    served = await serve(cleanEnv({ PORT: '0', TOLLGATE_DATA_DIR: dir }));
    assert.match(served.key ?? '', /^tg-/, served.banner);
  });
});
