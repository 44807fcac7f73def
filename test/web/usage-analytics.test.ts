import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UsageRow } from '../../web/src/api/types.ts';
import { branchTo, buildTree, BEFORE_FIRST, newestLeafUnder, siblingsOf } from '../../web/src/features/chat/message-tree.ts';
import { toCsv } from '../../web/src/features/usage/csv.ts';
import { aggregate } from '../../web/src/features/usage/usage-aggregate.ts';
import type { Message } from '../../web/src/api/workspace-types.ts';

function row(p: Partial<UsageRow>): UsageRow {
  return {
    request_id: `req_${Math.random()}`, created_at: '2026-11-20T10:00:00.000Z', key_id: 'key_a', team_id: 'team_a', user_id: 'usr_a', endpoint: '/v1/chat/completions',
    model_requested: 'gpt-4o', model_served: 'gpt-4o-2024-08-06', status: 200, stream: false, prompt_tokens: 10, cached_tokens: 0, completion_tokens: 5,
    reasoning_tokens: 0, latency_ms: 5, error_code: null, service_tier: 'default', estimated: false, cost_usd: '0.0001', ...p,
  };
}

describe('usage analytics (client-side roll-up of ledger rows)', () => {
  test('groups by the model asked for, sums money exactly, keeps unknown costs apart', () => {
    const groups = aggregate([
      row({ cost_usd: '0.1' }),
      row({ cost_usd: '0.2', model_served: 'gpt-4o-2024-11-20' }),
      row({ model_requested: 'llama', model_served: 'llama', cost_usd: null }),
      row({ model_requested: 'gpt-4o-mini', cost_usd: '0.00001845', status: 429 }),
    ], 'model');
    assert.deepEqual(groups.map((g) => [g.key, g.requests, g.costNanos, g.unpriced, g.errors]), [
      ['gpt-4o', 2, 300_000_000n, 0, 0],
      ['gpt-4o-mini', 1, 18_450n, 0, 1],
      ['llama', 1, 0n, 1, 0],
    ]);
  });

  test('days are local days and include the days without requests', () => {
    const from = new Date(2026, 10, 18);
    const to = new Date(2026, 10, 21);
    const groups = aggregate([row({ created_at: new Date(2026, 10, 19, 23, 59).toISOString() }), row({ created_at: new Date(2026, 10, 20, 0, 1).toISOString() })], 'day', { from, to });
    assert.deepEqual(groups.map((g) => [g.key, g.requests]), [['2026-11-18', 0], ['2026-11-19', 1], ['2026-11-20', 1]]);
  });

  test('CSV quotes what needs quoting and never lets a cell become a formula', () => {
    const csv = toCsv(['name', 'cost'], [['=HYPERLINK("http://evil")', '0.1'], ['a,b', null], ['say "hi"', 3n], ['-2+3', '@x']]);
    assert.equal(csv, 'name,cost\r\n"\'=HYPERLINK(""http://evil"")",0.1\r\n"a,b",\r\n"say ""hi""",3\r\n\'-2+3,\'@x\r\n');
  });
});

function msg(id: string, parent: string | null, role: 'user' | 'assistant', at: number): Message {
  return { id, object: 'conversation.message', conversation_id: 'c', parent_id: parent, role, content: id, model: null, status: 'complete', error: null, prompt_tokens: null, completion_tokens: null, cost_usd: null, latency_ms: null, request_id: null, created_at: new Date(at).toISOString() };
}

describe('message trees (edit and regenerate make branches)', () => {
  // u1 → a1 → u2 → a2 ; u1 edited into u1b → a1b ; a1 regenerated into a1r
  const tree = buildTree([msg('u1', null, 'user', 1), msg('a1', 'u1', 'assistant', 2), msg('u2', 'a1', 'user', 3), msg('a2', 'u2', 'assistant', 4), msg('u1b', null, 'user', 5), msg('a1b', 'u1b', 'assistant', 6), msg('a1r', 'u1', 'assistant', 7)]);

  test('a branch is the path from the root to its leaf; no leaf means the newest branch', () => {
    assert.deepEqual(branchTo(tree, 'a2').map((m) => m.id), ['u1', 'a1', 'u2', 'a2']);
    assert.deepEqual(branchTo(tree, null).map((m) => m.id), ['u1b', 'a1b']);
    assert.deepEqual(branchTo(tree, 'missing').map((m) => m.id), ['u1b', 'a1b']);
    assert.deepEqual(branchTo(tree, BEFORE_FIRST), []);
  });

  test('siblings give ‹ i/n ›, and moving to a sibling opens its newest leaf', () => {
    assert.deepEqual([siblingsOf(tree, tree.byId.get('u1')!).index, siblingsOf(tree, tree.byId.get('u1')!).count], [0, 2]);
    assert.deepEqual([siblingsOf(tree, tree.byId.get('a1r')!).index, siblingsOf(tree, tree.byId.get('a1r')!).count], [1, 2]);
    assert.equal(newestLeafUnder(tree, 'u1'), 'a1r');
    assert.equal(newestLeafUnder(tree, 'a1'), 'a2');
  });
});
