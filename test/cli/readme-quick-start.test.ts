import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanEnv, REPO, serve, stop, type Served } from './cli-process.ts';

/*
 * Issue 9.1–9.3: the README's walk-through used a key it never named, signed in and then ignored the
 * session, guessed team ids, and its SDK snippet failed when saved as `.js`. This runs the Quick
 * start's commands as written against a fresh server, so the README cannot rot silently: every
 * ```sh block after the first (which starts the server) in one shell, top to bottom, as a person
 * pastes them into a second terminal; the ```js block saved as hello.mjs. The only edits are the
 * two a reader makes: the printed key, and the address (the test's server is on a free port).
 */
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const quickStart = README.slice(README.indexOf('## Quick start'), README.indexOf('\n## ', README.indexOf('## Quick start') + 1));
const blocks = [...quickStart.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));
const DEFAULT_URL = 'http://127.0.0.1:8080';
const KEY_LINE = /^export TOLLGATE_KEY=.*$/m;

describe('the README Quick start, followed top to bottom on a fresh start', () => {
  let work: string;
  let served: Served;
  before(async () => {
    // Below the repository (.tmp/ is ignored by git), so `npx tollgate` finds this project as a reader's clone would.
    mkdirSync(join(REPO, '.tmp'), { recursive: true });
    work = mkdtempSync(join(REPO, '.tmp', 'readme-'));
    served = await serve(cleanEnv({ PORT: '0' }), work);
  });
  after(async () => {
    await stop(served?.proc);
    rmSync(work, { recursive: true, force: true });
  });

  test('it says how to choose the port and the address, and starts with npm start (tollgate serve)', () => {
    assert.match(quickStart, /`PORT`/);
    assert.match(quickStart, /`HOST`/);
    assert.match(blocks[0]!.code, /npm ci && npm start/);
    assert.match((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start, /tollgate\.js serve$/);
    assert.match(served.banner, new RegExp(`export TOLLGATE_KEY=${served.key}`), 'the banner shows the same export line');
  });

  test('the shell commands work as pasted: chat with the key, sign in, read the teams, invite with the session, make and list a key', () => {
    const sh = blocks.filter((b) => b.lang === 'sh').slice(1);
    assert.ok(sh.length >= 3, 'the walk-through blocks are there');
    const script = sh.map((b) => b.code).join('\n');
    assert.match(script, KEY_LINE, 'the walk-through says where the printed key goes');
    assert.ok(script.includes(DEFAULT_URL));
    assert.match(script, /-c jar[\s\S]*x-csrf-token: \$CSRF/, 'the sign-in cookie and CSRF token are used for a write');
    const runnable = script.replace(KEY_LINE, `export TOLLGATE_KEY=${served.key}`).replaceAll(DEFAULT_URL, served.url);
    const r = spawnSync('bash', ['-c', `set -euo pipefail\n${runnable}`], { cwd: work, env: cleanEnv(), encoding: 'utf8', timeout: 240_000 });
    const out = r.stdout;
    assert.equal(r.status, 0, `${out}\n${r.stderr}`);
    assert.match(out, /"object":"chat\.completion"/, 'the chat completion');
    assert.match(out, /password set for owner@tollgate\.localhost/);
    assert.match(out, /"object":"list","data":\[\{"id":"team_\w+","object":"team"[^\]]*"name":"Default"/, 'the teams, read with the session');
    const invitation = /\{"invitation":\{.*\}\n?/.exec(out)?.[0];
    assert.ok(invitation, `an invitation was made with the session: ${out}`);
    assert.match(invitation, /"email":"ana@example\.com"/);
    assert.match(invitation, /"status":"pending"/);
    assert.match(out, /service key of team Default \(team_\w+\), role member/);
    assert.match(out, /support bot\s+tg-\S+\s+team Default\s+member\s+gpt-4o-mini,gpt-4\.1\*/);
  });

  test('the SDK snippet runs when saved as hello.mjs, with the key from TOLLGATE_KEY', () => {
    const js = blocks.filter((b) => b.lang === 'js');
    assert.equal(js.length, 1);
    assert.match(quickStart, /save this as `hello\.mjs`/);
    writeFileSync(join(work, 'hello.mjs'), js[0]!.code.replaceAll(DEFAULT_URL, served.url));
    const r = spawnSync(process.execPath, ['hello.mjs'], { cwd: work, env: cleanEnv({ TOLLGATE_KEY: served.key! }), encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const [first, streamed] = r.stdout.split('\n');
    assert.ok(first!.length > 0);
    assert.equal(streamed, first, 'the streamed answer is the same text');
  });
});
