import { Balancer } from './balancer.ts';
import { CircuitBreakers, type CircuitSnapshot } from './circuit-breaker.ts';
import { authHeaders, serves, type Deployment } from './deployment.ts';
import { DeploymentStats } from './deployment-stats.ts';
import type { FallbackStep } from './fallback-chain.ts';
import { parseFallbackChains } from './fallback-chain.ts';
import { ModelAliases } from './model-aliases.ts';
import { RetryPolicy } from './retry-policy.ts';
import { UpstreamClient } from './upstream-client.ts';

const NO_STEPS: readonly FallbackStep[] = [];

export interface UpstreamRouterOptions {
  deployments: readonly Deployment[];
  /** Deployment id → its secret (resolved from its reference at start-up). */
  secrets: ReadonlyMap<string, string>;
  aliases: Record<string, string>;
  fallbacks: Record<string, unknown>;
  fallbackAfter: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; deadlineMs: number; attemptTimeoutMs: number };
  breaker: { consecutiveFailures: number; coolDownMs: number };
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  connections: number;
}

/** One deployment as `GET /api/deployments` shows it: its settings, the reference of its secret (never the value), its circuit. */
export interface DeploymentView {
  id: string;
  provider: Deployment['provider'];
  base_url: string;
  api_key_ref: string | null;
  models: string[];
  weight: number;
  priority: number;
  in_flight: number;
  latency_ms: number | null;
  circuit: CircuitSnapshot;
}

/**
 * Everything the route and call stages need to spread requests over several deployments: the
 * deployments with one connection pool each, model aliases, fallback chains, the balancer, the
 * per-deployment statistics and circuit breakers, and the retry policy. Built once at start-up;
 * holds this instance's view only (in memory).
 * @example const router = new UpstreamRouter({ deployments, secrets, aliases: {}, fallbacks: {}, … });
 */
export class UpstreamRouter {
  readonly deployments: readonly Deployment[];
  /** The same deployments, each taking any model (for model-less requests: `GET /v1/models`). */
  readonly anyModel: readonly Deployment[];
  readonly aliases: ModelAliases;
  readonly stats = new DeploymentStats();
  readonly breakers: CircuitBreakers;
  readonly balancer: Balancer;
  readonly retry: RetryPolicy;
  readonly fallbackAfter: number;
  readonly attemptTimeoutMs: number;
  private readonly chains: Map<string, FallbackStep[]>;
  private readonly clients = new Map<string, UpstreamClient>();

  constructor(o: UpstreamRouterOptions) {
    this.deployments = o.deployments;
    this.anyModel = o.deployments.map((d) => ({ ...d, models: ['*'] }));
    this.aliases = new ModelAliases(o.aliases);
    // Aliases in chains are resolved once here, not per request.
    this.chains = new Map([...parseFallbackChains(o.fallbacks)].map(([from, steps]) => [from, steps.map((s) => (s.model === undefined ? s : { model: this.aliases.resolve(s.model) }))]));
    this.breakers = new CircuitBreakers({ consecutiveFailures: o.breaker.consecutiveFailures, coolDownMs: o.breaker.coolDownMs, probeTimeoutMs: o.retry.attemptTimeoutMs });
    this.balancer = new Balancer({ stats: this.stats, available: this.breakers.allows });
    this.retry = new RetryPolicy({ maxAttempts: o.retry.maxAttempts, baseDelayMs: o.retry.baseDelayMs, maxDelayMs: o.retry.maxDelayMs, deadlineMs: o.retry.deadlineMs });
    this.fallbackAfter = o.fallbackAfter;
    this.attemptTimeoutMs = o.retry.attemptTimeoutMs;
    // Connections are shared out so that the deployments together hold no more than the setting.
    const connections = Math.max(16, Math.floor(o.connections / Math.max(1, o.deployments.length)));
    for (const d of o.deployments) {
      const secret = o.secrets.get(d.id);
      this.clients.set(
        d.id,
        new UpstreamClient({ baseUrl: d.base_url, apiKey: secret, authHeaders: authHeaders(d, secret), headersTimeoutMs: o.headersTimeoutMs, bodyIdleTimeoutMs: o.bodyIdleTimeoutMs, connections }),
      );
    }
  }

  /** The connection pool of a deployment. */
  client(id: string): UpstreamClient {
    return this.clients.get(id)!;
  }

  /** The fallback steps after `model` (asked as `asked`, an alias or the model itself). */
  chainFor(asked: string, model: string): readonly FallbackStep[] {
    return this.chains.get(asked) ?? this.chains.get(model) ?? NO_STEPS;
  }

  /** Whether some deployment serves `model` or a step of its chain. */
  canServe(model: string, chain: readonly FallbackStep[]): boolean {
    const served = (m: string) => this.deployments.some((d) => serves(d, m));
    return served(model) || chain.some((s) => (s.model === undefined ? this.deployments.some((d) => d.id === s.deployment) : served(s.model)));
  }

  /** Whether some deployment serving `model` has a circuit that lets a request through now. */
  anyCircuitAllows(model: string, now: number): boolean {
    for (const d of this.deployments) if (serves(d, model) && this.breakers.allows(d.id, now)) return true;
    return false;
  }

  /** How long until the first open circuit lets a probe through (for a 503's Retry-After). */
  retryAfterMs(now: number): number {
    const from = this.deployments.map((d) => this.breakers.get(d.id).snapshot(now).probeFrom).filter((t): t is number => t !== null);
    return from.length === 0 ? 0 : Math.max(0, Math.min(...from) - now);
  }

  /** Circuit state of every deployment, for `/ready`. */
  circuits(now: number): Record<string, CircuitSnapshot['state']> {
    return Object.fromEntries(this.deployments.map((d) => [d.id, this.breakers.get(d.id).snapshot(now).state]));
  }

  view(now: number): DeploymentView[] {
    return this.deployments.map((d) => ({
      id: d.id,
      provider: d.provider,
      base_url: d.base_url,
      api_key_ref: d.api_key ? ('env' in d.api_key ? `env:${d.api_key.env}` : `file:${d.api_key.file}`) : null,
      models: [...d.models],
      weight: d.weight,
      priority: d.priority,
      in_flight: this.stats.inFlight(d.id),
      latency_ms: this.stats.latency(d.id) === undefined ? null : Math.round(this.stats.latency(d.id)!),
      circuit: this.breakers.get(d.id).snapshot(now),
    }));
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.destroy()));
  }
}
