import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyView } from '../access/index.ts';
import type { BudgetStatus } from '../metering/budgets/index.ts';
import type { Nanos } from '../money/index.ts';
import { buildComplianceReport } from './compliance-report.ts';
import type { ReportSources } from './report-sources.ts';

const NOW = Date.UTC(2026, 10, 30);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function key(over: Partial<KeyView>): KeyView {
  return {
    id: 'key_1', object: 'api_key', name: 'k', prefix: 'tg-abc', kind: 'personal', org_id: 'org_a', team_id: null, user_id: 'usr_a', role: null,
    allowed_models: null, endpoints: null, ip_allowlist: null, created_at: iso(NOW - DAY), last_used_at: iso(NOW - DAY), last_used_ip: null,
    expires_at: null, revoked_at: null, rotated_at: null, previous_secret_expires_at: null, rate_limits: null, ...over,
  };
}

function budget(name: string, spent: number, limit: number): BudgetStatus {
  return {
    budget: { id: `bud_${name}`, name, scope: 'org', scopeId: 'org_a', period: 'monthly', timezone: 'UTC', limitNanos: limit as Nanos, thresholds: [], createdAt: 0, updatedAt: 0 },
    period: { id: 'p', start: 0, end: 1 } as BudgetStatus['period'],
    spent: spent as Nanos,
    reserved: 0 as Nanos,
    remaining: Math.max(0, limit - spent) as Nanos,
    projected: null,
    unpricedRequests: 0,
  };
}

const sources = (over: Partial<ReportSources>): ReportSources => ({
  org: async (id) => ({ id, name: 'Acme', require2fa: true }),
  users: async () => [
    { id: 'usr_a', email: 'a@acme.test', status: 'active', orgRole: 'owner', totpEnabled: true, lastSignInAt: NOW - DAY, createdAt: NOW - 400 * DAY },
    { id: 'usr_b', email: 'b@acme.test', status: 'active', orgRole: 'owner', totpEnabled: true, lastSignInAt: NOW - 91 * DAY, createdAt: NOW - 400 * DAY },
    { id: 'usr_c', email: 'c@acme.test', status: 'disabled', orgRole: null, totpEnabled: false, lastSignInAt: null, createdAt: NOW - 400 * DAY },
  ],
  keys: async () => [
    key({ id: 'key_old', name: 'old', created_at: iso(NOW - 120 * DAY) }),
    key({ id: 'key_rotated', name: 'rotated', created_at: iso(NOW - 300 * DAY), rotated_at: iso(NOW - 10 * DAY) }),
    key({ id: 'key_revoked', name: 'revoked', created_at: iso(NOW - 300 * DAY), revoked_at: iso(NOW - 5 * DAY) }),
  ],
  auditChain: async () => ({ ok: true, records: 10, first: null, last: null, checkpoints: { total: 1, verified: 1, latestSeq: 10 }, pending: { count: 0, oldestAt: null }, problems: [], firstBroken: null }),
  budgets: async () => [budget('team-a', 900, 1_000), budget('team-b', 1_000, 1_000), budget('team-c', 100, 1_000)],
  usage: async () => ({ requests: 5, costNanos: 1_500_000_000, unpricedRequests: 2 }),
  retention: async () => ({ conversationsDays: 90, ledgerDays: null, auditDays: null, lastPurgeAt: NOW - DAY, teamPolicies: 1 }),
  auditCounts: async (_org, _from, _to, actions) => Object.fromEntries(actions.map((a) => [a, a === 'privacy.erased' ? 2 : 0])),
  guardBlocks: async () => [{ rule: 'input.pii.credit_card', count: 3 }, { rule: 'output.secret', count: 1 }],
  guardFlags: async () => [{ rule: 'input.injection.phrases', count: 2 }, { rule: 'output.moderation.violence', count: 1 }, { rule: 'input.custom.watch', count: 1 }, { rule: 'output.custom.watch', count: 1 }],
  settings: { encryption: { on: true, keySource: 'file', reason: null }, ledgerRetentionDays: 400 },
  ...over,
});

test('dormant accounts, keys past rotation age (rotation resets it; revoked keys do not count), budgets near and at their limit', async () => {
  const r = await buildComplianceReport(sources({}), { orgId: 'org_a', from: NOW - 30 * DAY, to: NOW, now: NOW });
  const access = r.sections.find((s) => s.id === 'access_review')!;
  assert.equal(access.facts.users_active, 2);
  assert.equal(access.facts.users_disabled, 1);
  assert.equal(access.facts.two_factor_coverage_percent, 100);
  assert.equal(access.facts.dormant_accounts, 1);
  assert.equal(access.facts.keys_live, 2);
  assert.equal(access.facts.keys_not_rotated_90_days, 1);
  assert.equal(access.facts.keys_oldest_days, 120);
  assert.deepEqual(access.findings, [
    '1 active accounts have not signed in for 90 days or more: b@acme.test.',
    '1 live keys are 90 days old or more without rotation: old (tg-abc…, 120 days).',
  ]);
  const spend = r.sections.find((s) => s.id === 'spend_and_budgets')!;
  assert.equal(spend.facts.spend_usd, '1.50');
  assert.equal(spend.facts.budgets_exhausted, 1);
  assert.equal(spend.facts.budgets_over_80_percent, 1);
  assert.ok(spend.findings.some((f) => f.startsWith('Budget "team-b" is exhausted')));
  assert.ok(spend.findings.some((f) => f.startsWith('Budget "team-a" has used 90 %')));
  assert.ok(spend.findings.some((f) => f.startsWith('2 requests in the period used a model without a price')));
  assert.equal(r.sections.find((s) => s.id === 'encryption')!.status, 'ok');
  const kept = r.sections.find((s) => s.id === 'retention')!;
  assert.equal(kept.status, 'ok');
  assert.equal(kept.facts.ledger_days, 400); // the server's period when the organization sets none
  assert.deepEqual(r.sections.find((s) => s.id === 'privacy_requests')!.facts, { exports: 0, erasures: 2 });
  const guard = r.sections.find((s) => s.id === 'guardrails')!;
  assert.equal(guard.facts.blocked, 4);
  assert.equal(guard.facts.top_rules, 'input.pii.credit_card (3), output.secret (1)');
  assert.equal(guard.facts.flagged, 5);
  assert.equal(guard.facts.flags_by_category, 'custom (2), injection (2), moderation violence (1)');
});

test('a broken audit chain is named in the findings; no master key is a finding', async () => {
  const broken = { kind: 'altered', seq: 5, recordId: 'aud_5', message: 'record aud_5 (seq 5) was altered' } as const;
  const r = await buildComplianceReport(
    sources({
      auditChain: async () => ({ ok: false, records: 10, first: null, last: null, checkpoints: { total: 1, verified: 1, latestSeq: 10 }, pending: { count: 0, oldestAt: null }, problems: [broken], firstBroken: broken }),
      settings: { encryption: { on: false, keySource: null, reason: 'no master key on PostgreSQL' }, ledgerRetentionDays: 0 },
      retention: async () => ({ conversationsDays: null, ledgerDays: null, auditDays: null, lastPurgeAt: null, teamPolicies: 0 }),
    }),
    { orgId: 'org_a', from: NOW - DAY, to: NOW, now: NOW },
  );
  const chain = r.sections.find((s) => s.id === 'audit_chain')!;
  assert.equal(chain.status, 'attention');
  assert.match(chain.findings[0]!, /broken at aud_5 \(seq 5\): record aud_5 \(seq 5\) was altered/);
  const enc = r.sections.find((s) => s.id === 'encryption')!;
  assert.equal(enc.status, 'attention');
  assert.match(enc.findings[0]!, /Encryption at rest is off: no master key on PostgreSQL/);
  const kept = r.sections.find((s) => s.id === 'retention')!;
  assert.ok(kept.findings.includes('Raw usage rows are kept without limit.'));
  assert.ok(kept.findings.some((f) => f.startsWith('Conversations are kept until')));
});

test('an organization that does not exist is an error', async () => {
  await assert.rejects(buildComplianceReport(sources({ org: async () => undefined }), { orgId: 'org_x', from: 0, to: 1 }), /no organization org_x/);
});
