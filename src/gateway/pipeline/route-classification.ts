import type { Logger } from 'pino';
import { fail } from '../../errors/index.ts';
import { auditGuardOutcome, bindingLayer, type Moderator, describeConstraints, deploymentAccepts, labelConstraints, limitsPlacement, type LabelConstraints } from '../../guard/index.ts';
import type { Store } from '../../state/index.ts';
import { serves, type DeploymentRequirements, type UpstreamRouter } from '../../upstream/index.ts';
import type { GatewayCall } from './call-context.ts';
import type { GuardStageDeps } from './guard-in.ts';

/** Where the audit record of a refusal goes. */
export interface ClassificationDeps {
  store: Store;
  log: Logger;
}

/**
 * What the request's sensitivity label allows (the policy's `classification.rules`, and restricted
 * never cached); undefined when the call has no label (no policy and no `x-tollgate-classification`).
 */
export function boundLabel(call: GatewayCall): LabelConstraints | undefined {
  const label = call.classification;
  return label === undefined ? undefined : labelConstraints(call.guard?.resolved.compiled, label);
}

/**
 * Whether some deployment that could serve the call accepts its label: one serving the model or a
 * step of its fallback chain (any deployment for a model-less request). The single upstream (no
 * deployments configured) has no attributes, so it accepts no label that limits placement.
 */
export function placementAllowed(c: LabelConstraints, router: UpstreamRouter | undefined, plan: GatewayCall['plan']): boolean {
  if (!limitsPlacement(c)) return true;
  if (!router || !plan) return false;
  const traits = (id: string, attributes: { zero_retention: boolean; region?: string | undefined }) => ({ id, zeroRetention: attributes.zero_retention, region: attributes.region });
  return router.deployments.some((d) => {
    if (!deploymentAccepts(c, traits(d.id, d.attributes))) return false;
    if (plan.model === null || serves(d, plan.model)) return true;
    return plan.chain.some((s) => (s.model === undefined ? s.deployment === d.id : serves(d, s.model)));
  });
}

/** The balancer's requirements for the label (undefined when it may go anywhere): fallbacks are held to them too. */
export function requirementsOf(c: LabelConstraints | undefined): DeploymentRequirements | undefined {
  return c && limitsPlacement(c) ? { zeroRetention: c.zeroRetention, regions: c.regions } : undefined;
}

/**
 * Refuses a call whose label no deployment accepts: 403 `classification_not_permitted` naming the
 * label's constraints and the policy, after an audit record (`guard.classification_refused`, no
 * content). Nothing has been sent upstream.
 */
export async function refuseByClassification(deps: ClassificationDeps, call: GatewayCall, c: LabelConstraints): Promise<never> {
  const resolved = call.guard?.resolved;
  const policy = resolved ? bindingLayer(resolved, c.label) : 'none';
  const reason = describeConstraints(c);
  const p = call.principal;
  if (p) {
    try {
      await auditGuardOutcome(
        deps.store,
        'guard.classification_refused',
        { requestId: call.requestId, ip: call.ip, orgId: p.orgId, keyId: p.keyId, userId: p.userId, endpoint: call.endpoint, model: call.modelRequested, side: 'input', policy, rules: [`classification.${c.label}`], label: c.label, reason },
        Date.now(),
      );
    } catch (err) {
      deps.log.error({ err, reqId: call.requestId }, 'could not write the audit record of a classification refusal');
    }
  }
  throw fail('classification_not_permitted', { reason, policy });
}

/**
 * The moderator that may see the call's text: the usual one when the label may go anywhere, else one
 * on a deployment the label permits (`placedModerator`); `'refused'` when there is none, so the caller
 * refuses rather than send labelled text to an upstream the policy forbids.
 */
export function moderatorFor(deps: GuardStageDeps, call: GatewayCall): Moderator | 'refused' | undefined {
  const requirements = requirementsOf(call.classification === undefined ? undefined : boundLabel(call));
  if (!requirements) return deps.moderator;
  return deps.placedModerator?.(requirements) ?? 'refused';
}
