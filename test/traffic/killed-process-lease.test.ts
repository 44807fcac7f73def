import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSimulator } from '../../src/upstream/simulator/index.ts';
import { cleanEnv, exited, serve, stop, type Served } from '../cli/cli-process.ts';
import { ADMIN_KEY, UPSTREAM_KEY } from '../support/gateway.ts';
import { redisSkip, testRedisUrl } from '../support/redis.ts';

/*
 * Issue 11, tests that must exist: concurrency slots are leases that come back when the process
 * holding them dies. Two real `tollgate serve` processes share one Redis and one concurrency limit
 * of 2; A holds both slots with requests the simulator keeps open, then A is killed with SIGKILL
 * (no release, no clean-up). B is refused while A lives (A renews the leases well past their TTL),
 * and is served once the TTL has run out after the kill.
 */
const LEASE_TTL_MS = 2_000;

test('a gateway process killed mid-request gives its concurrency slots back after the lease TTL', { skip: redisSkip(), timeout: 90_000 }, async () => {
  const model = `sim-lease-${randomBytes(4).toString('hex')}`;
  const sim = createSimulator({ apiKey: UPSTREAM_KEY, models: [model] });
  await sim.listen(0, '127.0.0.1');
  const dirs = [mkdtempSync(join(tmpdir(), 'tollgate-lease-a-')), mkdtempSync(join(tmpdir(), 'tollgate-lease-b-'))];
  const env = (dataDir: string) =>
    cleanEnv({
      PORT: '0',
      TOLLGATE_DATA_DIR: dataDir,
      OPENAI_BASE_URL: `${sim.url}/v1`,
      OPENAI_API_KEY: UPSTREAM_KEY,
      TOLLGATE_ADMIN_KEY: ADMIN_KEY,
      REDIS_URL: testRedisUrl()!,
      TOLLGATE_RATE_LIMITS: JSON.stringify([{ scope: 'model', scope_id: model, max_concurrent: 2 }]),
      TOLLGATE_LEASE_TTL_MS: String(LEASE_TTL_MS),
    });
  let a: Served | undefined;
  let b: Served | undefined;
  try {
    [a, b] = await Promise.all([serve(env(dirs[0]!)), serve(env(dirs[1]!))]);
    const other = b;
    const chat = (gw: Served, signal?: AbortSignal) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hold this slot' }] }),
        ...(signal ? { signal } : {}),
      });
    const status = (gw: Served) => chat(gw).then(async (r) => (await r.arrayBuffer(), r.status));

    // A takes both slots: the simulator holds its two requests open for 15 s (longer than this test needs).
    sim.faults.push({ kind: 'latency', ms: 15_000, times: 2, match: { model } });
    const held = [chat(a), chat(a)].map((p) => p.then((r) => r.status, () => 'aborted'));
    for (let i = 0; i < 400 && sim.faults.size > 0; i++) await sleep(25);
    assert.equal(sim.faults.size, 0, 'both of A\'s requests reached the upstream and are held');

    // While A lives it renews the leases: B stays refused for longer than one TTL.
    const heldUntil = Date.now() + LEASE_TTL_MS * 1.5;
    while (Date.now() < heldUntil) {
      assert.equal(await status(b), 429, 'B refused while A holds both slots');
      await sleep(100);
    }

    const dead = exited(a.proc);
    a.proc.kill('SIGKILL');
    const killedAt = performance.now();
    assert.equal((await dead).signal, 'SIGKILL');
    assert.deepEqual(await Promise.all(held), ['aborted', 'aborted'], 'A died mid-request');
    assert.equal(await status(b), 429, 'the kill itself frees nothing: the slots are leases in Redis');

    // Each of A's requests renewed its own lease, so the two come back a few milliseconds apart.
    const firstBack = await servedWithin(() => status(other), killedAt, LEASE_TTL_MS + 3_000);
    const bothBack = await servedWithin(async () => ((await Promise.all([status(other), status(other)])).every((s) => s === 200) ? 200 : 429), killedAt, LEASE_TTL_MS + 3_000);
    console.log(`after the SIGKILL: one slot back in ${Math.round(firstBack)} ms, both in ${Math.round(bothBack)} ms (lease TTL ${LEASE_TTL_MS} ms, renewed every ${Math.round(LEASE_TTL_MS / 3)} ms)`);
    assert.ok(firstBack >= 0 && bothBack >= 0, 'B was not served with both slots within the lease TTL plus 3 s of the kill');
    // A renews every third of the TTL, so at the kill each lease had most of a TTL left (a third, even
    // if a renewal ran late): a slot back sooner was not a lease expiring.
    assert.ok(firstBack >= LEASE_TTL_MS / 3, `served ${Math.round(firstBack)} ms after the kill: before the leases could have expired`);
  } finally {
    if (a && a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
    await stop(b?.proc);
    await sim.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

/** Polls `probe` until it answers 200; the milliseconds since `since`, or -1 past `untilMs`. */
async function servedWithin(probe: () => Promise<number>, since: number, untilMs: number): Promise<number> {
  while (performance.now() - since < untilMs) {
    if ((await probe()) === 200) return performance.now() - since;
    await sleep(50);
  }
  return -1;
}
