import type { KeyView } from '../access/index.ts';
import type { ChainReport } from '../compliance/audit/index.ts';
import type { BudgetStatus } from '../metering/budgets/index.ts';
import { formatUsd, type Nanos } from '../money/index.ts';
import type { ReportSources } from './report-sources.ts';

/** How a section reads: nothing to act on, something to act on, or no data to judge by. */
export type SectionStatus = 'ok' | 'attention' | 'not_available';

export interface ReportSection {
  id: 'access_review' | 'audit_chain' | 'retention' | 'encryption' | 'privacy_requests' | 'guardrails' | 'spend_and_budgets';
  title: string;
  status: SectionStatus;
  /** The measured facts, by name (numbers, dates as ISO text, yes/no). */
  facts: Record<string, string | number | boolean | null>;
  /** What an auditor should look at, in words. */
  findings: string[];
  /** What to do about the findings: a short list. */
  recommendations: string[];
}

export interface ComplianceReport {
  object: 'compliance_report';
  org: { id: string; name: string };
  /** The period the activity figures cover: from inclusive, to exclusive (ISO 8601). */
  period: { from: string; to: string };
  generated_at: string;
  /** Counts of sections by status, for a glance. */
  summary: Record<SectionStatus, number>;
  sections: ReportSection[];
}

/** A person or key not used for this long is dormant; a key this old and never rotated is stale. */
const DORMANT_DAYS = 90;
const KEY_ROTATION_DAYS = 90;
const DAY = 86_400_000;
/** Names listed in a finding before "and N more". */
const NAMES_SHOWN = 5;

export interface ReportRequest {
  orgId: string;
  from: number;
  to: number;
  now?: number;
}

/**
 * The compliance report of one organization: access review, audit chain, retention, encryption,
 * privacy requests, guardrails, spend against budgets. Each section has its facts, findings and a
 * short list of recommendations. Reads through `sources` only, so the API and the CLI build the
 * same report. Throws when the organization does not exist.
 */
export async function buildComplianceReport(sources: ReportSources, req: ReportRequest): Promise<ComplianceReport> {
  const now = req.now ?? Date.now();
  const org = await sources.org(req.orgId);
  if (!org) throw new Error(`no organization ${req.orgId}`);
  const [users, keys, chain, budgets, usage, kept, counts, blocks, flags] = await Promise.all([
    sources.users(org.id),
    sources.keys(org.id),
    sources.auditChain(),
    sources.budgets(org.id),
    sources.usage(org.id, req.from, req.to),
    sources.retention(org.id),
    sources.auditCounts(org.id, req.from, req.to, ['privacy.exported', 'privacy.erased']),
    sources.guardBlocks(org.id, req.from, req.to),
    sources.guardFlags(org.id, req.from, req.to),
  ]);
  const sections: ReportSection[] = [
    accessReview(org.require2fa, users, keys, now),
    auditChain(chain),
    retention(kept, sources.settings.ledgerRetentionDays),
    encryption(sources.settings.encryption),
    privacyRequests(counts['privacy.exported'] ?? 0, counts['privacy.erased'] ?? 0),
    guardrails(blocks, flags),
    spendAndBudgets(usage, budgets),
  ];
  const summary: Record<SectionStatus, number> = { ok: 0, attention: 0, not_available: 0 };
  for (const s of sections) summary[s.status] += 1;
  return {
    object: 'compliance_report',
    org: { id: org.id, name: org.name },
    period: { from: new Date(req.from).toISOString(), to: new Date(req.to).toISOString() },
    generated_at: new Date(now).toISOString(),
    summary,
    sections,
  };
}

/** A person as the access review needs them. */
export interface ReviewedUser {
  id: string;
  email: string;
  status: 'active' | 'disabled';
  orgRole: string | null;
  totpEnabled: boolean;
  lastSignInAt: number | null;
  createdAt: number;
}

function accessReview(require2fa: boolean, users: readonly ReviewedUser[], keys: readonly KeyView[], now: number): ReportSection {
  const active = users.filter((u) => u.status === 'active');
  const without2fa = active.filter((u) => !u.totpEnabled);
  const dormantSince = now - DORMANT_DAYS * DAY;
  const dormant = active.filter((u) => (u.lastSignInAt ?? u.createdAt) < dormantSince);
  const liveKeys = keys.filter((k) => k.revoked_at === null && (k.expires_at === null || Date.parse(k.expires_at) > now));
  const ageDays = (k: KeyView) => Math.floor((now - Date.parse(k.rotated_at ?? k.created_at)) / DAY);
  const stale = liveKeys.filter((k) => ageDays(k) >= KEY_ROTATION_DAYS);
  const unusedKeys = liveKeys.filter((k) => (k.last_used_at === null ? Date.parse(k.created_at) : Date.parse(k.last_used_at)) < dormantSince);
  const noExpiry = liveKeys.filter((k) => k.expires_at === null);
  const openServiceKeys = liveKeys.filter((k) => k.kind === 'service' && k.ip_allowlist === null);
  const owners = active.filter((u) => u.orgRole === 'owner');

  const findings: string[] = [];
  const recommendations: string[] = [];
  if (without2fa.length > 0) {
    findings.push(`${without2fa.length} of ${active.length} active users have no second factor: ${names(without2fa.map((u) => u.email))}.`);
    recommendations.push(require2fa ? 'Follow up with the users who have not enrolled yet (the organization requires it at their next sign-in).' : 'Require two-factor authentication for the organization (organization settings).');
  }
  if (dormant.length > 0) {
    findings.push(`${dormant.length} active accounts have not signed in for ${DORMANT_DAYS} days or more: ${names(dormant.map((u) => u.email))}.`);
    recommendations.push('Disable the dormant accounts that are no longer needed.');
  }
  if (stale.length > 0) {
    findings.push(`${stale.length} live keys are ${KEY_ROTATION_DAYS} days old or more without rotation: ${names(stale.map((k) => `${k.name} (${k.prefix}…, ${ageDays(k)} days)`))}.`);
    recommendations.push(`Rotate keys at least every ${KEY_ROTATION_DAYS} days, or revoke the ones not needed.`);
  }
  if (unusedKeys.length > 0) {
    findings.push(`${unusedKeys.length} live keys have not been used for ${DORMANT_DAYS} days or more: ${names(unusedKeys.map((k) => k.name))}.`);
    recommendations.push('Revoke keys nobody uses.');
  }
  if (openServiceKeys.length > 0) {
    findings.push(`${openServiceKeys.length} service keys may be used from any address: ${names(openServiceKeys.map((k) => k.name))}.`);
    recommendations.push('Give service keys an IP allowlist of the systems that use them.');
  }
  if (owners.length === 1) {
    findings.push('The organization has a single owner.');
    recommendations.push('Name a second owner, so that access does not hang on one person.');
  }
  return {
    id: 'access_review',
    title: 'Access review',
    status: findings.length === 0 ? 'ok' : 'attention',
    facts: {
      users_active: active.length,
      users_disabled: users.length - active.length,
      owners: owners.length,
      two_factor_required: require2fa,
      two_factor_coverage_percent: active.length === 0 ? null : Math.floor(((active.length - without2fa.length) * 100) / active.length),
      dormant_accounts: dormant.length,
      keys_live: liveKeys.length,
      keys_personal: liveKeys.filter((k) => k.kind === 'personal').length,
      keys_service: liveKeys.filter((k) => k.kind === 'service').length,
      keys_oldest_days: liveKeys.length === 0 ? null : Math.max(...liveKeys.map(ageDays)),
      keys_not_rotated_90_days: stale.length,
      keys_unused_90_days: unusedKeys.length,
      keys_without_expiry: noExpiry.length,
      service_keys_without_ip_allowlist: openServiceKeys.length,
    },
    findings,
    recommendations,
  };
}

function auditChain(r: ChainReport): ReportSection {
  const findings: string[] = [];
  const recommendations: string[] = [];
  if (!r.ok) {
    const fb = r.firstBroken;
    findings.push(`The audit chain is broken${fb ? ` at ${fb.recordId ?? 'a missing record'}${fb.seq === null ? '' : ` (seq ${fb.seq})`}: ${fb.message}` : ''}; ${r.problems.length} problems in all.`);
    recommendations.push('Treat this as a security incident: compare with a backup and with checkpoints kept outside the database (`tollgate audit verify --expect`).');
  }
  if (r.ok && r.checkpoints.total === 0 && r.records > 0) {
    findings.push('No signed checkpoint yet: truncation of the newest records would not be detected.');
    recommendations.push('Keep Tollgate running until it signs a checkpoint, and copy checkpoints to a system outside its database.');
  }
  return {
    id: 'audit_chain',
    title: 'Audit log integrity',
    status: findings.length === 0 ? 'ok' : 'attention',
    facts: {
      intact: r.ok,
      records: r.records,
      checkpoints: r.checkpoints.total,
      checkpoints_verified: r.checkpoints.verified,
      latest_checkpoint_seq: r.checkpoints.latestSeq,
      records_not_linked_yet: r.pending.count,
    },
    findings,
    recommendations,
  };
}

/** An organization's retention periods (null: kept until deleted) and its last purge. */
export interface RetentionFacts {
  conversationsDays: number | null;
  ledgerDays: number | null;
  auditDays: number | null;
  lastPurgeAt: number | null;
  /** Teams with shorter periods of their own. */
  teamPolicies: number;
}

function retention(r: RetentionFacts, serverLedgerDays: number): ReportSection {
  const findings: string[] = [];
  const recommendations: string[] = [];
  // The server-wide ledger period (metering.ledger_retention_days) applies when the organization sets none.
  const ledgerDays = r.ledgerDays ?? (serverLedgerDays === 0 ? null : serverLedgerDays);
  if (r.conversationsDays === null) {
    findings.push('Conversations are kept until their owners delete them: no retention period is set.');
    recommendations.push('Set a conversation retention period (PUT /api/orgs/{id}/retention).');
  }
  if (ledgerDays === null) {
    findings.push('Raw usage rows are kept without limit.');
    recommendations.push('Set a ledger retention period for the organization, or metering.ledger_retention_days for the server.');
  }
  const anyPeriod = r.conversationsDays !== null || r.ledgerDays !== null || r.auditDays !== null;
  if (anyPeriod && r.lastPurgeAt === null) findings.push('Retention periods are set but no purge has run yet (it runs at start and hourly).');
  return {
    id: 'retention',
    title: 'Retention',
    status: findings.length === 0 ? 'ok' : 'attention',
    facts: {
      conversations_days: r.conversationsDays,
      ledger_days: ledgerDays,
      audit_days: r.auditDays,
      teams_with_own_periods: r.teamPolicies,
      last_purge_at: r.lastPurgeAt === null ? null : new Date(r.lastPurgeAt).toISOString(),
    },
    findings,
    recommendations,
  };
}

/** Whether stored content and secrets are encrypted, where the key comes from, and why not when off. */
export interface EncryptionFacts {
  on: boolean;
  keySource: string | null;
  reason: string | null;
}

function encryption(e: EncryptionFacts): ReportSection {
  const findings: string[] = [];
  const recommendations: string[] = [];
  if (!e.on) {
    findings.push(`Encryption at rest is off${e.reason ? `: ${e.reason}` : ''}. Messages, TOTP secrets and SSO client secrets are stored in plain text.`);
    recommendations.push('Set TOLLGATE_MASTER_KEY or TOLLGATE_MASTER_KEY_FILE (docs/compliance.md) on every instance, and keep the key out of the database backups.');
  } else if (e.keySource === 'data_dir') {
    findings.push('The master key is a file in the data folder: a copy of that folder holds both the data and its key.');
    recommendations.push('Move the key out of the data folder (TOLLGATE_MASTER_KEY_FILE) so backups of the folder stay unreadable without it.');
  }
  return {
    id: 'encryption',
    title: 'Encryption at rest',
    status: findings.length === 0 ? 'ok' : 'attention',
    facts: { encryption_at_rest: e.on, master_key_source: e.keySource },
    findings,
    recommendations,
  };
}

function privacyRequests(exports: number, erasures: number): ReportSection {
  return {
    id: 'privacy_requests',
    title: 'Privacy requests',
    status: 'ok',
    facts: { exports, erasures },
    findings: exports + erasures === 0 ? [] : [`${exports} data exports and ${erasures} erasures were carried out in the period (audit actions privacy.exported, privacy.erased).`],
    recommendations: [],
  };
}

function guardrails(blocks: readonly { rule: string; count: number }[], flags: readonly { rule: string; count: number }[]): ReportSection {
  const blocked = blocks.reduce((n, b) => n + b.count, 0);
  const flagged = flags.reduce((n, b) => n + b.count, 0);
  const categories = byCategory(flags);
  const findings: string[] = [];
  if (blocked > 0) findings.push(`${blocked} requests or replies were blocked by guardrail policies: ${blocks.map((b) => `${b.rule} ${b.count}`).slice(0, NAMES_SHOWN).join(', ')}. Redactions are not counted.`);
  if (flagged > 0) findings.push(`Guardrail rules flagged served requests or replies ${flagged} times, by category: ${categories.map((c) => `${c.category} ${c.count}`).slice(0, NAMES_SHOWN).join(', ')}.`);
  const recommendations: string[] = [];
  if (blocked > 0) recommendations.push('Review the blocked requests in the audit log (action guard.blocked) with the teams concerned.');
  if (flagged > 0) recommendations.push('Review the flagged requests (audit action guard.flagged); a rule that flags often may be worth blocking.');
  return {
    id: 'guardrails',
    title: 'Guardrail hits',
    status: 'ok',
    facts: {
      blocked,
      top_rules: blocks.length === 0 ? null : blocks.slice(0, NAMES_SHOWN).map((b) => `${b.rule} (${b.count})`).join(', '),
      flagged,
      flags_by_category: categories.length === 0 ? null : categories.slice(0, NAMES_SHOWN).map((c) => `${c.category} (${c.count})`).join(', '),
    },
    findings,
    recommendations,
  };
}

/** Flag counts by category: the rule's kind (`custom`, `injection`, `pii`), moderation by its category (`moderation violence`). */
function byCategory(rules: readonly { rule: string; count: number }[]): { category: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of rules) {
    const [, kind, ...rest] = r.rule.split('.');
    const category = kind === 'moderation' ? `moderation ${rest.join('.')}` : (kind ?? r.rule);
    counts.set(category, (counts.get(category) ?? 0) + r.count);
  }
  return [...counts].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
}

/** Usage of the organization in the report's period. */
export interface PeriodUsage {
  requests: number;
  costNanos: number;
  unpricedRequests: number;
}

function spendAndBudgets(usage: PeriodUsage, budgets: readonly BudgetStatus[]): ReportSection {
  const findings: string[] = [];
  const recommendations: string[] = [];
  const exhausted = budgets.filter((b) => b.remaining === 0);
  const near = budgets.filter((b) => b.remaining > 0 && b.spent * 5 >= b.budget.limitNanos * 4);
  if (budgets.length === 0) {
    findings.push('No budget applies in this organization: spend is not capped.');
    recommendations.push('Set an organization budget (and team budgets where useful).');
  }
  for (const b of exhausted) findings.push(`Budget "${b.budget.name}" is exhausted for its current period (${formatUsd(b.spent)} of ${formatUsd(b.budget.limitNanos)}).`);
  for (const b of near) findings.push(`Budget "${b.budget.name}" has used ${Math.floor((b.spent * 100) / b.budget.limitNanos)} % of ${formatUsd(b.budget.limitNanos)} in its current period.`);
  if (exhausted.length + near.length > 0) recommendations.push('Review the budgets at or near their limit: raise them or find the spend that drives them.');
  if (usage.unpricedRequests > 0) {
    findings.push(`${usage.unpricedRequests} requests in the period used a model without a price: their cost is unknown.`);
    recommendations.push('Set prices for the models in use (price overrides).');
  }
  return {
    id: 'spend_and_budgets',
    title: 'Spend and budgets',
    status: findings.length === 0 ? 'ok' : 'attention',
    facts: {
      requests: usage.requests,
      spend_usd: formatUsd(usage.costNanos as Nanos),
      unpriced_requests: usage.unpricedRequests,
      budgets: budgets.length,
      budgets_exhausted: exhausted.length,
      budgets_over_80_percent: near.length,
    },
    findings,
    recommendations,
  };
}

function names(list: readonly string[]): string {
  const shown = list.slice(0, NAMES_SHOWN).join(', ');
  return list.length > NAMES_SHOWN ? `${shown} and ${list.length - NAMES_SHOWN} more` : shown;
}
