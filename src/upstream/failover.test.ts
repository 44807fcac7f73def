import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Balancer } from './balancer.ts';
import { CircuitBreakers, type CircuitBreakerOptions } from './circuit-breaker.ts';
import { parseDeployments, type DeploymentInput } from './deployment.ts';
import { DeploymentStats } from './deployment-stats.ts';
import { callWithFailover, type AttemptResult, type AttemptTarget } from './failover.ts';
import { parseFallbackChains } from './fallback-chain.ts';
import { RetryPolicy, type AttemptFailure } from './retry-policy.ts';

const dep = (id: string, models: string[], extra: Partial<DeploymentInput> = {}): DeploymentInput => ({ id, provider: 'openai', base_url: `https://${id}.example/v1`, models, ...extra });
const h = (headers: Record<string, string>) => (n: string) => headers[n];

/** A world on a fake clock: sleeping advances it; `script` answers each attempt by deployment id. */
function world(inputs: DeploymentInput[], options: { breaker?: CircuitBreakerOptions; retry?: ConstructorParameters<typeof RetryPolicy>[0]; chain?: unknown } = {}) {
  let clock = 1_000_000;
  const slept: number[] = [];
  const stats = new DeploymentStats();
  const breakers = new CircuitBreakers(options.breaker ?? {});
  const deployments = parseDeployments(inputs);
  const chains = parseFallbackChains(options.chain ?? {});
  let seq = 0;
  const base = {
    deployments,
    stats,
    breakers,
    balancer: new Balancer({ stats, available: breakers.allows, random: () => ((seq = (seq + 0.37) % 1), seq) }),
    retry: new RetryPolicy({ maxAttempts: 4, deadlineMs: 60_000, random: () => 0.5, ...options.retry }),
    now: () => clock,
    sleep: async (ms: number) => {
      slept.push(ms);
      clock += ms;
    },
  };
  const run = (model: string, script: (t: AttemptTarget) => AttemptFailure | 'ok' | { streamStarted: AttemptFailure }) =>
    callWithFailover(model, async (t): Promise<AttemptResult<string>> => {
      clock += 10;
      if (t.attempt > 50) throw new Error('runaway: more than 50 attempts');
      const r = script(t);
      if (r === 'ok') return { ok: true, value: `${t.deployment.id}:${t.upstreamModel}`, latencyMs: 10 };
      if ('streamStarted' in r) return { ok: false, failure: r.streamStarted, streamStarted: true };
      return { ok: false, failure: r };
    }, { ...base, chain: chains.get(model) ?? [] });
  return { run, slept, breakers, stats, now: () => clock, advance: (ms: number) => (clock += ms) };
}

test('a 503 on one deployment: the next attempt goes to another of the same model after a backoff', async () => {
  const w = world([dep('a', ['gpt-4o']), dep('b', ['gpt-4o'])]);
  let first: string | undefined;
  const out = await w.run('gpt-4o', (t) => {
    first ??= t.deployment.id;
    return t.deployment.id === first ? { status: 503 } : 'ok';
  });
  assert.ok(out.ok);
  assert.notEqual(out.deployment, first);
  assert.deepEqual(out.attempts.map((a) => [a.deployment === first, a.ok, a.kind]), [[true, false, 'server'], [false, true, undefined]]);
  assert.deepEqual(w.slept, [250], 'full jitter of the first ceiling (500 ms × 0.5)');
});

test('gpt-4o → gpt-4o-mini after the second failure; the model served is the fallback', async () => {
  const w = world([dep('big', ['gpt-4o']), dep('small', ['gpt-4o-mini'], { model_map: { 'gpt-4o-mini': 'mini-prod' } })], { chain: { 'gpt-4o': ['gpt-4o-mini'] } });
  const out = await w.run('gpt-4o', (t) => (t.model === 'gpt-4o' ? { status: 500 } : 'ok'));
  assert.ok(out.ok);
  assert.equal(out.model, 'gpt-4o-mini');
  assert.equal(out.value, 'small:mini-prod');
  assert.deepEqual(out.attempts.map((a) => a.model), ['gpt-4o', 'gpt-4o', 'gpt-4o-mini']);
});

test('a 429 on the only deployment: waits its Retry-After, then the same deployment again', async () => {
  const w = world([dep('a', ['gpt-4o'])]);
  let n = 0;
  const out = await w.run('gpt-4o', () => (n++ === 0 ? { status: 429, headers: h({ 'retry-after': '5' }) } : 'ok'));
  assert.ok(out.ok);
  assert.equal(w.slept.reduce((a, b) => a + b, 0) >= 5_000, true, `slept ${w.slept}`);
});

test('a long Retry-After on one deployment does not hold the request when another can serve', async () => {
  const w = world([dep('a', ['gpt-4o']), dep('b', ['gpt-4o'])]);
  let first: string | undefined;
  const out = await w.run('gpt-4o', (t) => {
    first ??= t.deployment.id;
    return t.deployment.id === first ? { status: 429, headers: h({ 'retry-after': '3600' }) } : 'ok';
  });
  assert.ok(out.ok);
  assert.ok(w.slept.every((ms) => ms < 1_000), `slept ${w.slept}`);
  assert.ok(w.stats.exhausted(first!, w.now()), 'the refusing deployment is steered away from until its Retry-After');
});

test('out of quota on one deployment: another at once, no backoff; it counts against that deployment\'s health', async () => {
  const w = world([dep('a', ['gpt-4o']), dep('b', ['gpt-4o'])], { breaker: { consecutiveFailures: 1 } });
  let first: string | undefined;
  const out = await w.run('gpt-4o', (t) => {
    first ??= t.deployment.id;
    return t.deployment.id === first ? { status: 429, errorCode: 'insufficient_quota' } : 'ok';
  });
  assert.ok(out.ok);
  assert.deepEqual(w.slept, []);
  assert.equal(w.breakers.snapshot(w.now())[first!]!.state, 'open');
});

test('no retry for a bad request, a started stream, x-should-retry: false; nothing to call is no_deployment', async () => {
  const w = world([dep('a', ['gpt-4o']), dep('b', ['gpt-4o'])]);
  const bad = await w.run('gpt-4o', () => ({ status: 400, errorCode: 'invalid_value' }));
  assert.ok(!bad.ok && bad.reason === 'not_retryable' && bad.attempts.length === 1);
  const streamed = await w.run('gpt-4o', () => ({ streamStarted: {} }));
  assert.ok(!streamed.ok && streamed.reason === 'stream_started' && streamed.attempts.length === 1);
  const said = await w.run('gpt-4o', () => ({ status: 500, headers: h({ 'x-should-retry': 'false' }) }));
  assert.ok(!said.ok && said.reason === 'upstream_said_no');
  const none = await w.run('o3', () => 'ok');
  assert.ok(!none.ok && none.reason === 'no_deployment' && none.attempts.length === 0);
});

test('the attempt cap and the deadline end a failing request; the last wait is kept for Retry-After', async () => {
  const w = world([dep('a', ['gpt-4o']), dep('b', ['gpt-4o'])], { retry: { maxAttempts: 3 } });
  const capped = await w.run('gpt-4o', () => ({ status: 502 }));
  assert.ok(!capped.ok && capped.reason === 'attempts' && capped.attempts.length === 3);
  const slow = world([dep('a', ['gpt-4o'])], { retry: { maxAttempts: 10, deadlineMs: 8_000 } });
  const start = slow.now();
  const late = await slow.run('gpt-4o', () => ({ status: 429, headers: h({ 'retry-after': '5' }) }));
  assert.ok(!late.ok && late.reason === 'deadline', JSON.stringify(late));
  assert.ok(slow.now() - start < 8_000, 'never waits past the deadline');
  assert.equal(late.minWaitMs, 5_000);
});

test('an open circuit sends traffic elsewhere; after the cool-down one probe goes back', async () => {
  const w = world([dep('a', ['gpt-4o']), dep('b', ['gpt-4o'])], { breaker: { consecutiveFailures: 2, coolDownMs: 30_000 } });
  const calls: string[] = [];
  const healthyB = (t: AttemptTarget) => {
    calls.push(t.deployment.id);
    return t.deployment.id === 'a' ? { status: 500 } : 'ok';
  };
  for (let i = 0; i < 6; i++) await w.run('gpt-4o', healthyB);
  assert.equal(w.breakers.snapshot(w.now()).a!.state, 'open');
  const aBefore = calls.filter((c) => c === 'a').length;
  for (let i = 0; i < 10; i++) await w.run('gpt-4o', healthyB);
  assert.equal(calls.filter((c) => c === 'a').length, aBefore, 'no call to the open deployment');
  w.advance(30_000);
  const probes: string[] = [];
  for (let i = 0; i < 10 && probes.length === 0; i++) {
    await w.run('gpt-4o', (t) => {
      if (t.deployment.id === 'a') probes.push('a');
      return 'ok';
    });
  }
  assert.deepEqual(probes, ['a'], 'after the cool-down the open deployment gets a probe');
  assert.equal(w.breakers.snapshot(w.now()).a!.state, 'closed', 'the probe succeeded: closed again');
});
