import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanEnv, runTollgate } from './cli-process.ts';

describe('tollgate command errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ ...cleanEnv(), TOLLGATE_DATA_DIR: dir });

  test('bad arguments and configuration fail with a clear message and exit code 2', () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['frobnicate'], env(), /unknown command 'frobnicate'/],
      [['keys', 'create'], env(), /--name/],
      [['keys', 'revoke', 'key_missing'], env(), /no key with id/],
      [['keys', 'create', '--name', 'x', '--expires', 'yesterday'], env(), /--expires/],
      [['serve'], { ...env(), PORT: 'eighty' }, /PORT/],
      [['serve'], { ...env(), DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
      [['serve'], { ...env(), TOLLGATE_ADMIN_KEY: 'short' }, /TOLLGATE_ADMIN_KEY/],
      [['simulate', '--port', 'abc'], env(), /invalid port/],
      [['users', 'create', '--email', 'not-an-email'], env(), /email/],
      [['users', 'create', '--email', 'x@example.com', '--org-role', 'emperor'], env(), /unknown role/],
      [['users', 'set-password', 'nobody@example.com'], env(), /no user/],
      [['keys', 'create', '--name', 'x', '--team', 'team_nope'], env(), /no team/],
    ];
    for (const [args, e, message] of cases) {
      const r = runTollgate(args, e);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
