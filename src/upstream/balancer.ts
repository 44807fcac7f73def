import { serves, type Deployment } from './deployment.ts';
import type { DeploymentStats } from './deployment-stats.ts';

/** What a request needs from a deployment (a key or policy may demand zero retention or a region). */
export interface DeploymentRequirements {
  zeroRetention?: boolean | undefined;
  regions?: readonly string[] | undefined;
}

export interface PickRequest {
  model: string;
  /** Deployments already tried for this request. */
  exclude?: ReadonlySet<string> | undefined;
  requirements?: DeploymentRequirements | undefined;
  /** Estimated tokens, to steer away from an upstream with fewer tokens left. */
  tokens?: number | undefined;
  now: number;
}

export interface BalancerOptions {
  stats: DeploymentStats;
  /** Read-only: whether a deployment may take a request now (its circuit breaker). Default: always. */
  available?: ((id: string, now: number) => boolean) | undefined;
  random?: (() => number) | undefined;
}

/**
 * Chooses the deployment for one attempt:
 * 1. only deployments that serve the model, meet the requirements, were not tried yet for this
 *    request, have a closed (or probing) circuit, are below their own concurrency limit, and have a
 *    positive weight;
 * 2. among them, those whose upstream did not say it is nearly exhausted, if any (steer away, never
 *    strand a request when all are low);
 * 3. the best (lowest) priority present;
 * 4. a weighted random choice, where each weight is divided by (requests in flight + 1) and by the
 *    deployment's recent latency relative to the others': equal load gives the configured shares,
 *    more in flight or slower gets proportionally less.
 * @example const d = balancer.pick(deployments, { model: 'gpt-4o', exclude: tried, now: Date.now() });
 */
export class Balancer {
  private readonly random: () => number;

  constructor(private readonly options: BalancerOptions) {
    this.random = options.random ?? Math.random;
  }

  pick(deployments: readonly Deployment[], req: PickRequest): Deployment | undefined {
    const { stats } = this.options;
    const eligible = deployments.filter((d) => this.eligible(d, req));
    if (eligible.length <= 1) return eligible[0];
    const fresh = eligible.filter((d) => !stats.exhausted(d.id, req.now, req.tokens ?? 0));
    const pool = fresh.length > 0 ? fresh : eligible;
    const best = Math.min(...pool.map((d) => d.priority));
    const group = pool.filter((d) => d.priority === best);
    if (group.length === 1) return group[0];

    const latencies = group.map((d) => stats.latency(d.id)).filter((l): l is number => l !== undefined);
    const typical = latencies.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 1;
    const shares = group.map((d) => {
      const latency = Math.max(1, stats.latency(d.id) ?? typical);
      return (d.weight * Math.max(1, typical)) / latency / (stats.inFlight(d.id) + 1);
    });
    let r = this.random() * shares.reduce((a, b) => a + b, 0);
    for (let i = 0; i < group.length; i++) {
      r -= shares[i]!;
      if (r < 0) return group[i];
    }
    return group[group.length - 1];
  }

  private eligible(d: Deployment, req: PickRequest): boolean {
    if (d.weight <= 0 || !serves(d, req.model) || req.exclude?.has(d.id)) return false;
    const need = req.requirements;
    if (need?.zeroRetention && !d.attributes.zero_retention) return false;
    if (need?.regions && (d.attributes.region === undefined || !need.regions.includes(d.attributes.region))) return false;
    if (d.limits.max_concurrent !== undefined && this.options.stats.inFlight(d.id) >= d.limits.max_concurrent) return false;
    return this.options.available?.(d.id, req.now) ?? true;
  }
}
