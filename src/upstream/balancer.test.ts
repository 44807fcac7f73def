import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Balancer } from './balancer.ts';
import { CircuitBreakers } from './circuit-breaker.ts';
import { parseDeployments, type DeploymentInput } from './deployment.ts';
import { DeploymentStats } from './deployment-stats.ts';

/** A seeded generator, so shares are measured on a repeatable sequence. */
function seeded(seed = 42): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

const dep = (id: string, extra: Partial<DeploymentInput> = {}): DeploymentInput => ({
  id,
  provider: 'openai',
  base_url: `https://${id}.example/v1`,
  models: ['gpt-4o'],
  ...extra,
});

function shares(b: Balancer, deployments: ReturnType<typeof parseDeployments>, n = 10_000, now = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const d = b.pick(deployments, { model: 'gpt-4o', now });
    out[d?.id ?? 'none'] = (out[d?.id ?? 'none'] ?? 0) + 1;
  }
  for (const k of Object.keys(out)) out[k]! /= n;
  return out;
}

test('weighted choice within the best priority; backups only when the best are unavailable', () => {
  const deployments = parseDeployments([dep('a', { weight: 3 }), dep('b', { weight: 1 }), dep('backup', { priority: 1, weight: 100 })]);
  const stats = new DeploymentStats();
  const breakers = new CircuitBreakers({ consecutiveFailures: 1 });
  const b = new Balancer({ stats, available: breakers.allows, random: seeded() });
  const s = shares(b, deployments);
  assert.ok(Math.abs(s.a! - 0.75) < 0.02 && Math.abs(s.b! - 0.25) < 0.02, JSON.stringify(s));
  assert.equal(s.backup, undefined);
  for (const id of ['a', 'b']) breakers.get(id).record(breakers.get(id).acquire(0)!, false, 0);
  assert.deepEqual(shares(b, deployments, 100, 1), { backup: 1 });
  assert.equal(b.pick(deployments, { model: 'gpt-4o', now: 1, exclude: new Set(['backup']) }), undefined, 'nothing left: undefined');
});

test('fewer requests in flight gets more of the traffic', () => {
  const deployments = parseDeployments([dep('busy'), dep('idle')]);
  const stats = new DeploymentStats();
  for (let i = 0; i < 9; i++) stats.begin('busy');
  const s = shares(new Balancer({ stats, random: seeded() }), deployments);
  assert.ok(s.idle! > 0.88, JSON.stringify(s));
});

test('lower recent latency (EWMA) gets more of the traffic, and the average follows a change', () => {
  const deployments = parseDeployments([dep('fast'), dep('slow')]);
  const stats = new DeploymentStats({ alpha: 0.5 });
  for (let i = 0; i < 5; i++) {
    stats.begin('fast');
    stats.end('fast', 100);
    stats.begin('slow');
    stats.end('slow', 400);
  }
  const s = shares(new Balancer({ stats, random: seeded() }), deployments);
  assert.ok(Math.abs(s.fast! - 0.8) < 0.02, JSON.stringify(s));
  for (let i = 0; i < 10; i++) {
    stats.begin('slow');
    stats.end('slow', 100);
  }
  assert.ok(Math.abs(stats.latency('slow')! - 100) < 1, 'recent samples dominate');
});

test('steers away from an upstream whose x-ratelimit-remaining says nearly exhausted, until its reset', () => {
  const deployments = parseDeployments([dep('low'), dep('fresh')]);
  const stats = new DeploymentStats();
  const headers: Record<string, string> = {
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '12',
    'x-ratelimit-reset-requests': '6s',
    'x-ratelimit-limit-tokens': '2000000',
    'x-ratelimit-remaining-tokens': '1500000',
    'x-ratelimit-reset-tokens': '6m0s',
  };
  stats.observe('low', (n) => headers[n], 1_000);
  const b = new Balancer({ stats, random: seeded() });
  assert.deepEqual(shares(b, deployments, 200, 2_000), { fresh: 1 });
  assert.ok(Math.abs(shares(b, deployments, 2_000, 7_001).low! - 0.5) < 0.05, 'after the reset it is used again');
  stats.observe('low', (n) => ({ ...headers, 'x-ratelimit-remaining-requests': '9000', 'x-ratelimit-remaining-tokens': '900' })[n], 10_000);
  assert.equal(b.pick(deployments, { model: 'gpt-4o', now: 10_001, tokens: 5_000 })!.id, 'fresh', 'fewer tokens left than the request needs');
  assert.equal(b.pick([deployments[0]!], { model: 'gpt-4o', now: 2_000 })!.id, 'low', 'the only one is still used');
  stats.observe('low', (n) => ({ ...headers, 'x-ratelimit-remaining-requests': '9000' })[n], 12_000);
  stats.block('fresh', 20_000);
  assert.equal(b.pick(deployments, { model: 'gpt-4o', now: 15_000 })!.id, 'low', 'a 429 Retry-After blocks until then');
});

test('requirements, own concurrency limits, weight 0 and other models are filtered out', () => {
  const deployments = parseDeployments([
    dep('us', { attributes: { region: 'us' } }),
    dep('eu-zdr', { attributes: { region: 'eu', zero_retention: true }, limits: { max_concurrent: 1 } }),
    dep('off', { weight: 0 }),
    dep('mini', { models: ['gpt-4o-mini'] }),
  ]);
  const stats = new DeploymentStats();
  const b = new Balancer({ stats, random: seeded() });
  assert.equal(b.pick(deployments, { model: 'gpt-4o', now: 0, requirements: { zeroRetention: true } })!.id, 'eu-zdr');
  assert.equal(b.pick(deployments, { model: 'gpt-4o', now: 0, requirements: { regions: ['eu'] } })!.id, 'eu-zdr');
  stats.begin('eu-zdr');
  assert.equal(b.pick(deployments, { model: 'gpt-4o', now: 0, requirements: { regions: ['eu'] } }), undefined, 'at its own concurrency limit');
  assert.equal(b.pick(deployments, { model: 'gpt-4o-mini', now: 0 })!.id, 'mini');
  assert.deepEqual(Object.keys(shares(b, deployments, 200)), ['us']);
});
