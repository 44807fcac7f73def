import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { labelAtMost, type Label } from './labels.ts';

/** Where data of one label may go: the combination of every rule for that label and the labels below it. */
export interface LabelConstraints {
  label: Label;
  /** Only deployments marked zero-retention. */
  zeroRetention: boolean;
  /** Only deployments in one of these regions; undefined: any region. An empty list: none at all. */
  regions: readonly string[] | undefined;
  /** May be stored in or answered from the response cache. */
  responseCache: boolean;
  /** Audit records may hold the content (else metadata only). */
  auditContent: boolean;
}

/** The attributes of a deployment that labels are bound to (from the deployment's configuration). */
export interface DeploymentTraits {
  id: string;
  zeroRetention?: boolean | undefined;
  region?: string | undefined;
}

/**
 * The constraints for `label`: a rule for `confidential` also binds `restricted` data, so the more
 * sensitive label is never less protected. Several rules combine to the strictest (zero-retention if
 * any says so, the intersection of regions, no cache or content audit if any forbids it).
 * Restricted data is never cached and never kept in full-content audit records, whatever the rules say
 * (and with no policy at all).
 * @example labelConstraints(policy, 'restricted') // { zeroRetention: true, regions: ['eu'], responseCache: false, … }
 */
export function labelConstraints(policy: CompiledPolicy | undefined, label: Label): LabelConstraints {
  const c: LabelConstraints = { label, zeroRetention: false, regions: undefined, responseCache: label !== 'restricted', auditContent: label !== 'restricted' };
  for (const rule of policy?.classification.rules ?? []) {
    if (!labelAtMost(rule.label, label)) continue;
    if (rule.zero_retention) c.zeroRetention = true;
    if (rule.regions) c.regions = c.regions === undefined ? [...rule.regions] : c.regions.filter((r) => rule.regions!.includes(r));
    if (rule.response_cache === false) c.responseCache = false;
    if (rule.audit_content === false) c.auditContent = false;
  }
  return c;
}

/** Whether the constraints limit where the data may go at all (else every deployment accepts it). */
export function limitsPlacement(c: LabelConstraints): boolean {
  return c.zeroRetention || c.regions !== undefined;
}

/** Whether a deployment may receive data under these constraints (unknown traits count as not meeting them). */
export function deploymentAccepts(c: LabelConstraints, d: DeploymentTraits): boolean {
  if (c.zeroRetention && d.zeroRetention !== true) return false;
  if (c.regions !== undefined && (d.region === undefined || !c.regions.includes(d.region))) return false;
  return true;
}

/** The deployments that may receive the data; an empty result means the request must be refused (say which label and why). */
export function permittedDeployments<D extends DeploymentTraits>(c: LabelConstraints, deployments: readonly D[]): D[] {
  return deployments.filter((d) => deploymentAccepts(c, d));
}

/** Why no deployment accepts a label, in words for the error message. */
export function describeConstraints(c: LabelConstraints): string {
  const needs: string[] = [];
  if (c.zeroRetention) needs.push('a zero-retention deployment');
  if (c.regions !== undefined) needs.push(c.regions.length ? `a deployment in ${c.regions.join(' or ')}` : 'no deployment (the rules leave no region)');
  return `data labelled '${c.label}' may only go to ${needs.join(' and ') || 'any deployment'}`;
}
