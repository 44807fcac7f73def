import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ErrorSpec } from './error-spec.ts';
import { renderErrorDocs } from './error-docs.ts';
import { ERROR_SECTIONS, ERROR_TABLE } from './error-table.ts';
import { fail } from './fail.ts';

test('a code is in one section only (a repeat would silently replace the other row)', () => {
  const seen = new Map<string, string>();
  const repeated: string[] = [];
  for (const [section, codes] of Object.entries(ERROR_SECTIONS)) {
    for (const code of Object.keys(codes)) {
      if (seen.has(code)) repeated.push(`${code} in ${seen.get(code)} and ${section}`);
      seen.set(code, section);
    }
  }
  assert.deepEqual(repeated, []);
  assert.equal(seen.size, Object.keys(ERROR_TABLE).length);
});

test('every row is consistent: a 4xx/5xx status, an OpenAI type matching it, a message ending in a full stop', () => {
  const bad: string[] = [];
  for (const [code, spec] of Object.entries(ERROR_TABLE as Record<string, ErrorSpec>)) {
    if (!/^[a-z0-9_]+$/.test(code)) bad.push(`${code}: codes are snake_case`);
    if (spec.status < 400 || spec.status > 599) bad.push(`${code}: status ${spec.status}`);
    if (spec.status === 401 && spec.type !== 'authentication_error') bad.push(`${code}: 401 is an authentication_error`);
    if (spec.status === 429 && spec.type !== 'rate_limit_error') bad.push(`${code}: 429 is a rate_limit_error`);
    if (spec.status >= 500 && spec.type === 'invalid_request_error') bad.push(`${code}: a 5xx is not the caller's fault`);
    // `invalid_request` carries a framework's own sentence ({reason}) as it is.
    if (spec.message !== '{reason}' && !/[.?!)}]$/.test(spec.message.trim())) bad.push(`${code}: message should end with a full stop`);
  }
  assert.deepEqual(bad, []);
});

test('fail() fills the template and carries status, type, retry and param', () => {
  const e = fail('invalid_parameter', { param: 'team_id', reason: 'a service key belongs to a team' });
  assert.equal(e.status, 400);
  assert.equal(e.message, "Invalid 'team_id': a service key belongs to a team.");
  assert.equal(e.param, 'team_id');
  assert.equal(e.toBody().error.code, 'invalid_parameter');
});

test('docs/errors.md is the table as it is (run `npm run docs:errors` after changing a code)', () => {
  const onDisk = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(onDisk, renderErrorDocs());
});
