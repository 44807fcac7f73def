import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIONS } from './actions.ts';
import { PERMISSION_MATRIX } from './matrix.ts';
import { parseMatrix } from './matrix-schema.ts';

const copy = () => JSON.parse(JSON.stringify(PERMISSION_MATRIX)) as Record<string, Record<string, string>>;

describe('matrix schema', () => {
  test('the shipped matrix is valid and complete', () => {
    assert.deepEqual(Object.keys(parseMatrix(copy())).sort(), [...ACTIONS].sort());
  });

  test('a missing cell, a missing action or an unknown action is refused', () => {
    const noCell = copy();
    delete noCell['keys.create']!.viewer;
    assert.throws(() => parseMatrix(noCell), /keys\.create/);
    const noAction = copy();
    delete noAction['audit.read'];
    assert.throws(() => parseMatrix(noAction), /audit\.read/);
    assert.throws(() => parseMatrix({ ...copy(), 'keys.destroy': copy()['keys.create'] }), /invalid permission matrix/);
  });

  test('an unknown grant is refused', () => {
    const m = copy();
    m['keys.read']!.member = 'everyone';
    assert.throws(() => parseMatrix(m), /keys\.read\.member/);
  });

  test('a read-only role granted a change is refused', () => {
    const m = copy();
    m['budgets.write']!.auditor = 'org';
    assert.throws(() => parseMatrix(m), /read-only role 'auditor'/);
  });

  test("grants must fit the action's scope", () => {
    const orgScoped = copy();
    orgScoped['prices.write']!.admin = 'team';
    assert.throws(() => parseMatrix(orgScoped), /prices\.write\.admin: grant 'team' does not fit the 'org' scope/);
    const selfScoped = copy();
    selfScoped['conversations.read']!.owner = 'org';
    assert.throws(() => parseMatrix(selfScoped), /conversations\.read\.owner/);
  });
});
