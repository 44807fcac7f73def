import type { Balancer, DeploymentRequirements } from './balancer.ts';
import { countsAgainstHealth, type CircuitBreakers } from './circuit-breaker.ts';
import { serves, upstreamModel, type Deployment } from './deployment.ts';
import type { DeploymentStats } from './deployment-stats.ts';
import { FallbackPlan, type FallbackStep } from './fallback-chain.ts';
import { classifyFailure, minimumWait, type AttemptFailure, type FailureKind, type RetryPolicy } from './retry-policy.ts';

/** What one attempt is asked to do. */
export interface AttemptTarget {
  deployment: Deployment;
  /** The model served, as the client names it (the fallback's model after a fallback). */
  model: string;
  /** The name to send upstream (Azure deployment name). */
  upstreamModel: string;
  /** 1-based number of this attempt within the request. */
  attempt: number;
}

/** What one attempt did. `streamStarted`: bytes reached the client, so it must not be retried. */
export type AttemptResult<T> =
  | { ok: true; value: T; latencyMs?: number | undefined }
  | { ok: false; failure: AttemptFailure; streamStarted?: boolean | undefined; latencyMs?: number | undefined };

/** One attempt, for the ledger row (attempts and deployments tried). */
export interface AttemptRecord {
  deployment: string;
  model: string;
  ok: boolean;
  status?: number | undefined;
  kind?: FailureKind | undefined;
}

export type FailoverOutcome<T> =
  | { ok: true; value: T; model: string; deployment: string; attempts: AttemptRecord[] }
  | {
      ok: false;
      /** Why it ended: no deployment could take it, the chain ran out, or the retry policy said stop. */
      reason: 'no_deployment' | 'chain_exhausted' | 'not_retryable' | 'upstream_said_no' | 'stream_started' | 'attempts' | 'deadline';
      /** The last failure (undefined when nothing was attempted). */
      failure: AttemptFailure | undefined;
      /** What the upstream asked to wait, for the client's Retry-After. */
      minWaitMs: number;
      attempts: AttemptRecord[];
    };

export interface FailoverOptions {
  deployments: readonly Deployment[];
  balancer: Balancer;
  stats: DeploymentStats;
  breakers: CircuitBreakers;
  retry: RetryPolicy;
  /** Fallback steps after the requested model. */
  chain?: readonly FallbackStep[] | undefined;
  /** Failures on one step before the next (default 2). */
  switchAfter?: number | undefined;
  requirements?: DeploymentRequirements | undefined;
  tokens?: number | undefined;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * The call stage's loop, without I/O of its own: pick a deployment (balancer), pass its circuit
 * breaker, run `attempt`, record latency, health and the upstream's Retry-After, and on failure
 * ask the retry policy whether and when to try again — on another deployment of the same model
 * when there is one, then along the fallback chain — within the attempt cap and the deadline.
 * @example
 * const out = await callWithFailover('gpt-4o', (t) => callUpstream(t), { deployments, balancer, stats, breakers, retry, chain, now: Date.now, sleep });
 */
export async function callWithFailover<T>(model: string, attempt: (t: AttemptTarget) => Promise<AttemptResult<T>>, o: FailoverOptions): Promise<FailoverOutcome<T>> {
  const plan = new FallbackPlan(model, o.chain ?? [], o.switchAfter);
  const startedAt = o.now();
  const attempts: AttemptRecord[] = [];
  let failedOnStep = new Set<string>();
  let stepAt = plan.position;
  let last: AttemptFailure | undefined;
  let lastWait = 0;
  const fail = (reason: Extract<FailoverOutcome<T>, { ok: false }>['reason']): FailoverOutcome<T> => ({ ok: false, reason, failure: last, minWaitMs: lastWait, attempts });

  // Every turn makes an attempt, excludes a deployment or moves along the chain, so this ends; the
  // bound turns a bug into a clear failure instead of a request spinning forever.
  for (let turn = 0; ; turn++) {
    if (turn > 10_000) return fail('no_deployment');
    if (plan.position !== stepAt) {
      stepAt = plan.position;
      failedOnStep = new Set();
    }
    const step = plan.current();
    if (!step) return fail(attempts.length === 0 ? 'no_deployment' : 'chain_exhausted');
    const served = step.model ?? model;
    const pool = step.deployment === undefined ? o.deployments : o.deployments.filter((d) => d.id === step.deployment && serves(d, served));
    const now = o.now();
    const pickOf = (exclude?: Set<string>) => o.balancer.pick(pool, { model: served, exclude, requirements: o.requirements, tokens: o.tokens, now });
    const d = pickOf(failedOnStep) ?? pickOf();
    if (!d) {
      plan.skip();
      continue;
    }
    const wait = o.stats.blockedUntil(d.id) - now;
    if (wait > 0) {
      if (now + wait >= startedAt + o.retry.deadlineMs) return fail('deadline');
      await o.sleep(wait);
    }
    const breaker = o.breakers.get(d.id);
    const ticket = breaker.acquire(o.now());
    if (!ticket) {
      failedOnStep.add(d.id);
      if (!pickOf(failedOnStep)) plan.skip();
      continue;
    }

    o.stats.begin(d.id);
    let r: AttemptResult<T>;
    try {
      r = await attempt({ deployment: d, model: served, upstreamModel: upstreamModel(d, served), attempt: attempts.length + 1 });
    } catch (err) {
      // An attempt reports failures as results; a throw is a bug or an abort: stop here.
      o.stats.end(d.id);
      throw err;
    }
    o.stats.end(d.id, r.latencyMs);
    const at = o.now();
    if (r.ok) {
      breaker.record(ticket, true, at);
      attempts.push({ deployment: d.id, model: served, ok: true });
      return { ok: true, value: r.value, model: served, deployment: d.id, attempts };
    }

    const kind = classifyFailure(r.failure);
    attempts.push({ deployment: d.id, model: served, ok: false, status: r.failure.status, kind });
    if (countsAgainstHealth(kind)) breaker.record(ticket, false, at);
    else if (ticket.probe) breaker.record(ticket, true, at); // it answered: alive, if busy or the request was bad
    last = r.failure;
    lastWait = minimumWait(r.failure.headers, at);
    if (lastWait > 0) o.stats.block(d.id, at + lastWait);
    failedOnStep.add(d.id);
    if (kind === 'quota') {
      // Out of money on this upstream: another deployment (or the next step) may have it.
      if (attempts.length >= o.retry.maxAttempts) return fail('attempts');
      if (!pickOf(failedOnStep)) plan.skip();
      continue;
    }
    plan.failed(kind);
    // The upstream's minimum wait binds only that deployment: when another (or the next model) can
    // take the next attempt, the backoff alone decides, and a long Retry-After does not end the request.
    const get = r.failure.headers;
    const elsewhere = plan.position !== stepAt || pickOf(failedOnStep) !== undefined;
    const failure = elsewhere && get ? { ...r.failure, headers: (n: string) => (n === 'x-should-retry' ? get(n) : undefined) } : r.failure;
    const decision = o.retry.decide({ attempt: attempts.length, failure, startedAt, now: at, streamStarted: r.streamStarted });
    if (!decision.retry) return fail(decision.reason === 'quota' ? 'not_retryable' : decision.reason);
    await o.sleep(decision.backoffMs);
  }
}
