import { Balancer } from './balancer.ts';
import { CircuitBreakers, type CircuitSnapshot } from './circuit-breaker.ts';
import { authHeaders, serves, type Deployment } from './deployment.ts';
import { DeploymentStats } from './deployment-stats.ts';
import type { FallbackStep } from './fallback-chain.ts';
import { parseFallbackChains } from './fallback-chain.ts';
import { ModelAliases } from './model-aliases.ts';
import { RetryPolicy } from './retry-policy.ts';
import { UpstreamClient, type UpstreamConnector } from './upstream-client.ts';

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

/** A deployment written through the API, with its secret (opened, or resolved from its reference). */
export interface ApiDeployment {
  deployment: Deployment;
  secret: string | undefined;
  /** Whether the key was given inline (shown as `inline`, never the value). */
  inline: boolean;
}

/** One deployment as `GET /api/deployments` shows it: its settings, the reference of its secret (never the value), its circuit. */
export interface DeploymentView {
  id: string;
  provider: Deployment['provider'];
  base_url: string;
  api_key_ref: string | null;
  /** `config` (tollgate.yaml: read-only through the API) or `api`. */
  source: 'config' | 'api';
  /** Whether a key is set and how: `env`, `file`, `inline` (written through the API, stored sealed), or null. */
  api_key: 'env' | 'file' | 'inline' | null;
  models: string[];
  model_map: Record<string, string>;
  limits: Deployment['limits'];
  attributes: Deployment['attributes'];
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
  /** tollgate.yaml's deployments, then those written through the API (replaced whole by `setApiDeployments`). */
  deployments: readonly Deployment[];
  /** The same deployments, each taking any model (for model-less requests: `GET /v1/models`). */
  anyModel: readonly Deployment[];
  /** tollgate.yaml's deployments (fixed at start). */
  readonly configured: readonly Deployment[];
  private api: readonly ApiDeployment[] = [];
  readonly aliases: ModelAliases;
  readonly stats = new DeploymentStats();
  readonly breakers: CircuitBreakers;
  readonly balancer: Balancer;
  readonly retry: RetryPolicy;
  readonly fallbackAfter: number;
  readonly attemptTimeoutMs: number;
  private readonly chains: Map<string, FallbackStep[]>;
  private clients = new Map<string, UpstreamClient>();
  /** Pools of deployments removed or replaced through the API: a request that picked one still finds it while it drains. */
  private readonly retired = new Map<string, UpstreamClient>();
  private readonly options: UpstreamRouterOptions;
  private readonly poolSize: number;

  constructor(o: UpstreamRouterOptions) {
    this.options = o;
    this.configured = o.deployments;
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
    this.poolSize = Math.max(16, Math.floor(o.connections / Math.max(1, o.deployments.length)));
    for (const d of o.deployments) this.clients.set(d.id, this.newClient(d, o.secrets.get(d.id), undefined));
  }

  private newClient(d: Deployment, secret: string | undefined, connect: UpstreamConnector | undefined): UpstreamClient {
    const o = this.options;
    return new UpstreamClient({ baseUrl: d.base_url, apiKey: secret, authHeaders: authHeaders(d, secret), headersTimeoutMs: o.headersTimeoutMs, bodyIdleTimeoutMs: o.bodyIdleTimeoutMs, connections: this.poolSize, connect });
  }

  /** The connection pool of a deployment. */
  client(id: string): UpstreamClient {
    return (this.clients.get(id) ?? this.retired.get(id))!;
  }

  /**
   * Replaces the deployments written through the API (they follow tollgate.yaml's). Their pools are
   * new, built with `connect` (the outbound address check, at connect time); the pools they replace
   * drain: requests in flight finish, then the pool closes. Circuit and latency statistics are kept
   * by id.
   * @example router.setApiDeployments([{ deployment, secret: 'sk-…', inline: true }], connector);
   */
  setApiDeployments(list: readonly ApiDeployment[], connect: UpstreamConnector | undefined): void {
    const clients = new Map<string, UpstreamClient>();
    for (const d of this.configured) clients.set(d.id, this.clients.get(d.id)!);
    for (const a of list) clients.set(a.deployment.id, this.newClient(a.deployment, a.secret, connect));
    const old = [...this.clients].filter(([id]) => !this.configured.some((d) => d.id === id));
    this.api = list;
    this.deployments = [...this.configured, ...list.map((a) => a.deployment)];
    this.anyModel = this.deployments.map((d) => ({ ...d, models: ['*'] }));
    this.clients = clients;
    for (const [id, c] of old) {
      this.retired.set(id, c);
      c.close()
        .catch(() => undefined)
        .finally(() => {
          if (this.retired.get(id) === c) this.retired.delete(id);
        });
    }
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
      source: this.configured.includes(d) ? ('config' as const) : ('api' as const),
      api_key: d.api_key ? ('env' in d.api_key ? ('env' as const) : ('file' as const)) : this.api.some((a) => a.deployment === d && a.inline) ? ('inline' as const) : null,
      models: [...d.models],
      model_map: { ...d.model_map },
      limits: { ...d.limits },
      attributes: { ...d.attributes, tags: [...d.attributes.tags] },
      weight: d.weight,
      priority: d.priority,
      in_flight: this.stats.inFlight(d.id),
      latency_ms: this.stats.latency(d.id) === undefined ? null : Math.round(this.stats.latency(d.id)!),
      circuit: this.breakers.get(d.id).snapshot(now),
    }));
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.clients.values(), ...this.retired.values()].map((c) => c.destroy()));
  }
}
