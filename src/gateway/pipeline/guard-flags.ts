import { auditGuardOutcome, flaggingLayer, type CompiledDirection, type GuardFinding } from '../../guard/index.ts';
import type { GatewayCall } from './call-context.ts';
import type { GuardStageDeps } from './guard-in.ts';

/**
 * The rules that flagged in one direction, named as the policy names them: custom rules
 * (`input.custom.<name>`), injection phrases and invisible characters when the policy says `flag`.
 * Redactions and label-only detections are not flags. Empty when nothing flagged (the usual case).
 */
export function flaggedRules(side: 'input' | 'output', dir: CompiledDirection, findings: readonly GuardFinding[], flags: Iterable<string>): string[] {
  let rules: Set<string> | undefined;
  const add = (rule: string) => (rules ??= new Set()).add(rule);
  for (const f of findings) {
    if (f.action !== 'flag') continue;
    add(f.detector.startsWith('custom:') ? `${side}.custom.${f.detector.slice(7)}` : `${side}.pii.${f.detector}`);
  }
  for (const flag of flags) {
    if (flag.startsWith('injection:') && dir.phrases === 'flag') add(`${side}.injection.phrases`);
    else if (flag === 'invisible_characters' && dir.invisible === 'flag') add(`${side}.injection.invisible_characters`);
  }
  return rules ? [...rules] : [];
}

/**
 * Writes the `guard.flagged` audit record of a served request: the policy layers and rule names that
 * flagged and the label, never the matched text. A failure to write is logged; the request is served.
 */
export async function auditFlags(deps: GuardStageDeps, call: GatewayCall, side: 'input' | 'output', rules: readonly string[]): Promise<void> {
  const p = call.principal;
  const resolved = call.guard?.resolved;
  if (rules.length === 0 || !p || !resolved) return;
  const policy = [...new Set(rules.map((r) => flaggingLayer(resolved, r)))].join(',');
  try {
    await auditGuardOutcome(
      deps.store,
      'guard.flagged',
      { requestId: call.requestId, ip: call.ip, orgId: p.orgId, keyId: p.keyId, userId: p.userId, endpoint: call.endpoint, model: call.modelRequested, side, policy, rules, label: call.guard?.label },
      Date.now(),
    );
  } catch (err) {
    deps.log.error({ err, reqId: call.requestId }, 'could not write the audit record of a guardrail flag');
  }
}
