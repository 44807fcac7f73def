import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openApiSpecForChecks, openApiSpecPath } from '../../src/upstream/simulator/openapi-spec.ts';

const REPO = join(import.meta.dirname, '../..');
const MISSING = join(REPO, '.tmp', 'no-such-openapi.json');

/*
 * Issue 9.13: in a fresh clone the OpenAPI conformance checks skipped silently, in CI too. Now a
 * missing description fails under CI=true and, locally, the skip says how to get the checks running.
 */
describe('where the OpenAI OpenAPI description comes from', () => {
  test('TOLLGATE_OPENAPI_SPEC wins; otherwise the shared folder beside the repository', () => {
    assert.equal(openApiSpecPath({ TOLLGATE_OPENAPI_SPEC: '/x/openapi.json' }), '/x/openapi.json');
    assert.equal(openApiSpecPath({}), join(REPO, '..', 'shared', 'openai-openapi', 'openapi.json'));
    assert.equal(openApiSpecPath({ TOLLGATE_OPENAPI_SPEC: '' }), openApiSpecPath({}));
  });

  test('missing locally: the checks are skipped with directions; missing in CI: an error', () => {
    const local = openApiSpecForChecks({ TOLLGATE_OPENAPI_SPEC: MISSING });
    assert.equal(local.path, undefined);
    assert.match('help' in local ? local.help : '', /TOLLGATE_OPENAPI_SPEC=.*does not exist.*github\.com\/openai\/openai-openapi.*TOLLGATE_OPENAPI_SPEC=\/path\/to\/openapi\.json/);
    for (const CI of ['true', '1']) assert.throws(() => openApiSpecForChecks({ CI, TOLLGATE_OPENAPI_SPEC: MISSING }), /CI=true: the OpenAPI conformance checks may not be skipped/);
    for (const CI of ['false', '0', '']) assert.equal(openApiSpecForChecks({ CI, TOLLGATE_OPENAPI_SPEC: MISSING }).path, undefined);
  });

  test('the simulator and conformance checks skip locally and fail the run under CI=true', () => {
    const run = (env: Record<string, string>, file = 'src/upstream/simulator/auxiliary-endpoints.test.ts') => {
      const base = { ...process.env };
      delete base.CI;
      delete base.NODE_TEST_CONTEXT; // else the child reports to this runner instead of printing TAP
      return spawnSync(process.execPath, ['--import', 'tsx', '--test', file], {
        cwd: REPO,
        env: { ...base, TOLLGATE_OPENAPI_SPEC: MISSING, ...env },
        encoding: 'utf8',
        timeout: 120_000,
      });
    };
    const local = run({});
    assert.equal(local.status, 0, local.stdout);
    assert.match(local.stdout, /# SKIP OpenAI's OpenAPI description .*set TOLLGATE_OPENAPI_SPEC=/);
    const ci = run({ CI: 'true' });
    assert.notEqual(ci.status, 0, 'a missing description fails under CI');
    assert.match(ci.stdout, /CI=true: the OpenAPI conformance checks may not be skipped/);
    const conformance = run({ CI: 'true' }, 'test/conformance/chat.test.ts');
    assert.notEqual(conformance.status, 0);
    assert.match(conformance.stdout, /CI=true: the OpenAPI conformance checks may not be skipped/);
  });
});
