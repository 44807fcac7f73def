import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const REPO = join(import.meta.dirname, '../..');

/** `npm test -- src/cli/text-table` (one small file) with this environment; its last two lines. */
function summary(env: Record<string, string | undefined>): string[] {
  const base = { ...process.env };
  for (const k of ['NODE_TEST_CONTEXT', 'TOLLGATE_TEST_DATABASE_URL', 'TOLLGATE_OPENAPI_SPEC', 'CI']) delete base[k];
  const r = spawnSync(process.execPath, ['scripts/run-tests.mjs', 'src/cli/text-table'], { cwd: REPO, env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout.trimEnd().split('\n').slice(-2);
}

/*
 * Issue 9.15: without TOLLGATE_TEST_DATABASE_URL the PostgreSQL variants of the store tests were
 * silently not run. npm test now ends by saying which stores were tested (and whether the OpenAPI
 * checks had their description, issue 9.13).
 */
test('npm test ends by saying which stores were tested, never with the password', () => {
  const [sqliteOnly, spec] = summary({ TOLLGATE_OPENAPI_SPEC: join(REPO, '.tmp', 'no-such-openapi.json') });
  assert.match(sqliteOnly!, /^Stores tested: SQLite only \(set TOLLGATE_TEST_DATABASE_URL=/);
  assert.match(spec!, /^OpenAPI conformance checks: skipped\. .*TOLLGATE_OPENAPI_SPEC=\/path\/to\/openapi\.json/);
  const [both] = summary({ TOLLGATE_TEST_DATABASE_URL: 'postgres://tollgate:s3cret-pw@db.example.internal:5433/postgres' });
  assert.equal(both, 'Stores tested: SQLite and PostgreSQL at db.example.internal:5433');
});
