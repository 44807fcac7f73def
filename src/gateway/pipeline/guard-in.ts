import type { Logger } from 'pino';
import { fail } from '../../errors/index.ts';
import { auditGuardBlock, blockingLayer, evaluateInput, forEachText, judgeModeration, maxLabel, parseLabel, type Label, type GuardFinding, type GuardInput, type GuardMessage, type GuardPolicies, type GuardVerdict, type Moderator, type ModerationThresholds, type ResolvedPolicy } from '../../guard/index.ts';
import type { Store } from '../../state/index.ts';
import type { DeploymentRequirements } from '../../upstream/index.ts';
import type { GatewayCall } from './call-context.ts';
import { auditFlags, flaggedRules } from './guard-flags.ts';
import { boundLabel, moderatorFor, refuseByClassification } from './route-classification.ts';
import type { Stage } from './stage.ts';

export interface GuardStageDeps {
  policies: GuardPolicies;
  /** Where the audit record of a block goes. */
  store: Store;
  log: Logger;
  /** Scores prompts for policies with moderation thresholds (the upstream's /v1/moderations). */
  moderator?: Moderator | undefined;
  /** A moderator on a deployment that meets a label's requirements (undefined: none does); see route-classification.ts. */
  placedModerator?: ((requirements: DeploymentRequirements) => Moderator | undefined) | undefined;
}

/** The request field that holds the prompt, per endpoint. */
const PROMPT_FIELD: Readonly<Record<string, string>> = {
  '/v1/chat/completions': 'messages',
  '/v1/responses': 'input',
  '/v1/completions': 'prompt',
  '/v1/embeddings': 'input',
  '/v1/moderations': 'input',
};

/**
 * Stage 3: input policies (src/guard) for the key's organization, team and key. A block refuses the
 * request with 400 `content_policy_violation` naming the policy and rule, writes an audit record, and
 * sends nothing upstream; a redaction rewrites what goes upstream (placeholders, restored in the reply
 * by guard-out when the policy says so). With no policy anywhere it reads a flag and one header and returns.
 */
export function guardInStage(deps: GuardStageDeps): Stage {
  const { policies } = deps;
  return {
    name: 'guard-in',
    run(call: GatewayCall) {
      const asked = call.headers[CLASSIFICATION_HEADER];
      if (!policies.active) {
        // Refused if it is not a label, policy or not; a restricted label still keeps the call out of the cache.
        if (asked !== undefined) call.classification = callerLabel(asked);
        return;
      }
      const label = asked === undefined ? undefined : callerLabel(asked);
      call.classification = label;
      const principal = call.principal;
      if (!principal || !call.body) return;
      const resolved = policies.resolve(principal);
      if (!resolved) return;
      call.guard = { resolved, restore: undefined, label: maxLabel(resolved.compiled.classification.default_label, label) };
      call.classification = call.guard.label;
      const field = PROMPT_FIELD[call.target!.route];
      if (field === undefined) return;
      const value = call.body[field];
      const input = asGuardInput(value);
      if (input === undefined) return;
      const verdict = evaluateInput(resolved.compiled, input, { label });
      call.guard.label = verdict.label;
      call.classification = verdict.label;
      if (verdict.action === 'block') return refuse(deps, call, resolved, verdict);
      const flagged = verdict.findings.length > 0 || verdict.flags.length > 0 ? flaggedRules('input', resolved.compiled.input, verdict.findings, verdict.flags) : NO_RULES;
      if (verdict.redacted !== input) {
        call.guard.restore = verdict.restore;
        const redacted = typeof value === 'string' || input === value ? verdict.redacted : (verdict.redacted as readonly GuardMessage[]).map((m) => m.content);
        call.body = { ...call.body, [field]: redacted };
        call.upstreamBody = JSON.stringify(call.stripUsageChunk ? { ...call.body, stream_options: { ...(call.body.stream_options as object | undefined), include_usage: true } } : call.body);
      }
      const thresholds = resolved.compiled.input.moderation;
      if (thresholds && Object.keys(thresholds).length > 0) {
        const moderator = moderatorFor(deps, call);
        if (moderator === 'refused') return refuseByClassification(deps, call, boundLabel(call)!);
        if (moderator) return moderate(deps, moderator, call, resolved, verdict.redacted, thresholds, flagged);
      }
      if (flagged.length > 0) return auditFlags(deps, call, 'input', flagged);
    },
  };
}

const NO_RULES: readonly string[] = Object.freeze([]);

/**
 * Moderation of the prompt as it will be sent (already redacted): a category at or above its
 * threshold blocks or flags. The flags (with the rules' `flagged` before) go into one audit record.
 */
async function moderate(deps: GuardStageDeps, moderator: Moderator, call: GatewayCall, resolved: ResolvedPolicy, input: GuardInput, thresholds: ModerationThresholds, flagged: readonly string[]): Promise<void> {
  const texts: string[] = [];
  forEachText(input, (text) => {
    if (text.trim() !== '') texts.push(text);
  });
  if (texts.length === 0) return auditFlags(deps, call, 'input', flagged);
  let scores;
  try {
    scores = await moderator.moderate(texts);
  } catch (err) {
    deps.log.warn({ err, reqId: call.requestId }, 'moderation call failed');
    throw fail('guard_moderation_failed');
  }
  const judged = judgeModeration(thresholds, scores);
  if (judged.action !== 'block') return auditFlags(deps, call, 'input', [...flagged, ...judged.hits.map((h) => `input.moderation.${h.category}`)]);
  const hit = judged.hits.find((h) => h.action === 'block')!;
  const rule = `input.moderation.${hit.category}`;
  const policy = blockingLayer(resolved, rule);
  await auditBlock(deps, call, 'input', policy, rule, []);
  throw fail('content_policy_violation', { what: 'request', policy, rule }, { param: PROMPT_FIELD[call.target!.route] ?? null });
}

/** The caller's sensitivity label: it can raise the request's label, never lower it below what the content shows. */
const CLASSIFICATION_HEADER = 'x-tollgate-classification';

function callerLabel(header: string | string[]): Label {
  const label = parseLabel(Array.isArray(header) ? header[0] : header);
  if (!label) throw fail('invalid_parameter', { param: CLASSIFICATION_HEADER, reason: 'expected public, internal, confidential or restricted' });
  return label;
}

/**
 * The prompt as the guard reads it: a string, or messages; a list of prompts (completions,
 * embeddings) is read as one message each (the caller puts the redacted strings back). Token arrays
 * have nothing to read.
 */
function asGuardInput(value: unknown): GuardInput | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  let strings = 0;
  for (const v of value) {
    if (typeof v === 'string') strings++;
    else if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  }
  if (strings === 0) return value as GuardInput;
  return strings === value.length ? value.map((content: string) => ({ content })) : undefined;
}

async function refuse(deps: GuardStageDeps, call: GatewayCall, resolved: ResolvedPolicy, verdict: GuardVerdict<GuardInput>): Promise<never> {
  const rule = verdict.blockedBy!;
  call.guard!.label = verdict.label;
  const policy = blockingLayer(resolved, rule);
  await auditBlock(deps, call, 'input', policy, rule, verdict.findings);
  throw fail('content_policy_violation', { what: 'request', policy, rule }, { param: PROMPT_FIELD[call.target!.route] ?? null });
}

/** Writes the audit record of a block (never the content); a failure to write is logged, the refusal stands. */
export async function auditBlock(deps: GuardStageDeps, call: GatewayCall, side: 'input' | 'output', policy: string, rule: string, findings: readonly GuardFinding[]): Promise<void> {
  const p = call.principal!;
  try {
    await auditGuardBlock(deps.store, { requestId: call.requestId, ip: call.ip, orgId: p.orgId, keyId: p.keyId, userId: p.userId, endpoint: call.endpoint, model: call.modelRequested, side, policy, rule, findings, label: call.guard?.label }, Date.now());
  } catch (err) {
    deps.log.error({ err, reqId: call.requestId }, 'could not write the audit record of a guardrail block');
  }
}
