import type { KeyObject } from 'node:crypto';
import type { Directory, KeyService, KeyView } from '../access/index.ts';
import { countAuditActions, guardBlocksByRule, guardHitsByRule, verifyAuditChain, type ChainReport } from '../compliance/audit/index.ts';
import type { EncryptionStatus } from '../compliance/crypto/index.ts';
import { retentionOf } from '../compliance/retention/index.ts';
import type { Config } from '../config/index.ts';
import type { BudgetService, BudgetStatus } from '../metering/budgets/index.ts';
import type { UsageLedger } from '../metering/index.ts';
import type { Store } from '../state/index.ts';
import type { EncryptionFacts, PeriodUsage, RetentionFacts, ReviewedUser } from './compliance-report.ts';

/** Where the compliance report's figures come from; each owning module answers for its own data. */
export interface ReportSources {
  org(id: string): Promise<{ id: string; name: string; require2fa: boolean } | undefined>;
  users(orgId: string): Promise<ReviewedUser[]>;
  keys(orgId: string): Promise<KeyView[]>;
  auditChain(): Promise<ChainReport>;
  budgets(orgId: string): Promise<BudgetStatus[]>;
  usage(orgId: string, from: number, to: number): Promise<PeriodUsage>;
  retention(orgId: string): Promise<RetentionFacts>;
  auditCounts(orgId: string, from: number, to: number, actions: readonly string[]): Promise<Record<string, number>>;
  guardBlocks(orgId: string, from: number, to: number): Promise<{ rule: string; count: number }[]>;
  /** Rules that flagged served requests or replies (`guard.flagged`), with their counts. */
  guardFlags(orgId: string, from: number, to: number): Promise<{ rule: string; count: number }[]>;
  settings: { encryption: EncryptionFacts; ledgerRetentionDays: number };
}

export interface SourceServices {
  store: Store;
  directory: Directory;
  keys: KeyService;
  budgets: BudgetService;
  ledger: UsageLedger;
  config: Config;
  /** The home organization's id: ledger rows without an organization are its. */
  homeOrgId: string;
  /** Keys trusted to have signed the audit checkpoints. */
  auditPublicKeys: ReadonlyMap<string, KeyObject>;
  /** Encryption at rest as set up at start (setUpEncryption). */
  encryption: EncryptionStatus;
}

/** The report's sources from the running services (the server) or ones opened for one command (the CLI). */
export function reportSources(s: SourceServices): ReportSources {
  return {
    async org(id) {
      const org = await s.directory.getOrg(id);
      return org && { id: org.id, name: org.name, require2fa: org.require_2fa === 1 };
    },
    async users(orgId) {
      return (await s.directory.usersOf(orgId)).map((u) => ({
        id: u.id,
        email: u.email,
        status: u.status,
        orgRole: u.org_role,
        totpEnabled: u.totp_enabled_at !== null,
        lastSignInAt: u.last_sign_in_at,
        createdAt: u.created_at,
      }));
    },
    async keys(orgId) {
      return (await s.keys.listAll()).filter((k) => k.org_id === orgId);
    },
    auditChain: () => verifyAuditChain(s.store, { publicKeys: s.auditPublicKeys }),
    async budgets(orgId) {
      const all = await s.budgets.list();
      return s.budgets.statuses(all.filter((b) => (b.orgId ?? s.homeOrgId) === orgId));
    },
    async usage(orgId, from, to) {
      const visibility = { orgId, userId: '', all: true, teams: [], ownTeams: [], ownAnywhere: false, ownPersonal: false };
      const { totals } = await s.ledger.query({ scope: { visibility, includeUnplaced: orgId === s.homeOrgId }, from, to, limit: 1 });
      return { requests: totals.requests, costNanos: totals.cost_nanos, unpricedRequests: totals.unpriced_requests };
    },
    retention: (orgId) => retentionOf(s.store, orgId),
    auditCounts: (orgId, from, to, actions) => countAuditActions(s.store, { orgId, from, to, actions }),
    guardBlocks: (orgId, from, to) => guardBlocksByRule(s.store, { orgId, from, to }),
    guardFlags: (orgId, from, to) => guardHitsByRule(s.store, { orgId, from, to, action: 'guard.flagged' }),
    settings: {
      encryption: { on: s.encryption.status === 'on', keySource: s.encryption.key_source ?? null, reason: s.encryption.reason ?? null },
      ledgerRetentionDays: s.config.metering.ledger_retention_days,
    },
  };
}
