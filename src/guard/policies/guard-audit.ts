import { changeRecord } from '../../access/index.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';
import type { Store } from '../../state/index.ts';
import type { GuardFinding } from '../evaluate/evaluate.ts';

/** What a guard stage knows about a refusal; never the matched text. */
export interface GuardBlockEvent {
  requestId: string;
  ip: string;
  orgId: string;
  keyId: string;
  userId: string | null;
  endpoint: string;
  model: string | null;
  /** `input` (nothing was sent upstream) or `output` (the reply was cut). */
  side: 'input' | 'output';
  /** The policy layer that blocked: `default`, `org:…`, `team:…`, `key:…`. */
  policy: string;
  /** The rule: `input.pii.credit_card`, `output.custom.codes`, … */
  rule: string;
  findings: readonly GuardFinding[];
  /** The request's sensitivity label, when known. */
  label?: string | undefined;
}

/**
 * Writes the audit record of a blocked request or reply (`guard.blocked`): who, which key, which
 * policy and rule, and the findings by detector and position; the content itself is never recorded.
 */
export function auditGuardBlock(store: Store, e: GuardBlockEvent, now: number): Promise<void> {
  const findings = e.findings.slice(0, 50).map((f) => ({ detector: f.detector, ...(f.kind ? { kind: f.kind } : {}), action: f.action, message: f.message, start: f.start, end: f.end }));
  return appendAuditEvent(
    store.db,
    changeRecord(
      { actorId: e.userId ?? e.keyId, orgId: e.orgId, requestId: e.requestId, ip: e.ip },
      { action: 'guard.blocked', target: `key:${e.keyId}`, before: null, after: null, details: { side: e.side, policy: e.policy, rule: e.rule, endpoint: e.endpoint, model: e.model, ...(e.label ? { label: e.label } : {}), findings } },
      now,
    ),
  );
}

/** A guard outcome other than a block: a flag (served, recorded) or a refusal by classification. */
export interface GuardOutcomeEvent extends Omit<GuardBlockEvent, 'rule' | 'findings'> {
  /** Rules that fired: `input.pii.email`, `input.injection.phrases`, `output.moderation.violence`, … */
  rules: readonly string[];
  /** Why, in words that hold no content (a refusal's reason). */
  reason?: string | undefined;
}

/**
 * Writes `guard.flagged` (a flag rule fired; the request was served) or `guard.classification_refused`
 * (no deployment may receive the request's label; nothing was sent): policy, rule names and label,
 * never the matched text.
 */
export function auditGuardOutcome(store: Store, action: 'guard.flagged' | 'guard.classification_refused', e: GuardOutcomeEvent, now: number): Promise<void> {
  const details = { side: e.side, policy: e.policy, rules: e.rules.slice(0, 50), endpoint: e.endpoint, model: e.model, ...(e.label ? { label: e.label } : {}), ...(e.reason ? { reason: e.reason } : {}) };
  return appendAuditEvent(store.db, changeRecord({ actorId: e.userId ?? e.keyId, orgId: e.orgId, requestId: e.requestId, ip: e.ip }, { action, target: `key:${e.keyId}`, before: null, after: null, details }, now));
}
