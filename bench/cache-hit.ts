// The response cache's hit path against the pass-through path, on a Tollgate of its own in front of
// the simulator (separate processes, as in `npm run bench`): the same chat request with
// `temperature: 0` (after the first, every answer is a hit) and with `x-tollgate-cache: off` (every
// answer comes from the upstream). Prints req/s, p50 and p99 and CPU per request of Tollgate.
//   node --import tsx bench/cache-hit.ts [--seconds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runAutocannon, type Target } from './load.ts';
import { cpuTimeMs, freePort, installExitHandlers, spawnNode, stopAll, waitForHttp } from './processes.ts';

const HOST = '127.0.0.1';
const ROOT = join(import.meta.dirname, '..');
const ADMIN_KEY = 'tg-bench-cache-0123456789abcdef';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
  const seconds = Math.max(2, Number(values.seconds));
  installExitHandlers();
  const work = mkdtempSync(join(tmpdir(), 'tollgate-bench-cache-'));
  const [simPort, tgPort] = [await freePort(), await freePort()];
  const sim = spawnNode('simulator', { cwd: ROOT, args: ['bin/tollgate.js', 'simulate', '--port', String(simPort), '--host', HOST], logFile: join(work, 'simulator.log') });
  await waitForHttp(sim, `http://${HOST}:${simPort}/`);
  const tollgate = spawnNode('tollgate', {
    cwd: ROOT,
    args: ['bin/tollgate.js', 'serve'],
    env: {
      PORT: String(tgPort),
      HOST,
      TOLLGATE_DATA_DIR: join(work, 'data'),
      OPENAI_API_KEY: 'sk-bench-dummy',
      OPENAI_BASE_URL: `http://${HOST}:${simPort}/v1`,
      TOLLGATE_ADMIN_KEY: ADMIN_KEY,
      TOLLGATE_LOG_LEVEL: 'info',
      TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS: '0',
      TOLLGATE_CACHE: 'on',
    },
    logFile: join(work, 'tollgate.log'),
  });
  await waitForHttp(tollgate, `http://${HOST}:${tgPort}/health`, 30_000, 200);
  const body = JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'Say something about toll gates.' }] });
  const target = (cache: 'on' | 'off'): Target => ({
    name: `cache ${cache}`,
    url: `http://${HOST}:${tgPort}`,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(cache === 'off' ? { 'x-tollgate-cache': 'off' } : {}) },
  });
  const rows: string[] = ['| path | req/s | p50 ms | p99 ms | Tollgate CPU µs/req | failed |', '|---|---|---|---|---|---|'];
  for (const [what, cache] of [['pass-through (x-tollgate-cache: off)', 'off'], ['cache hit', 'on']] as const) {
    await runAutocannon(target(cache), { path: '/v1/chat/completions', body }, { connections: 8, seconds: 1 }); // warm-up (and the one miss)
    const cpuBefore = cpuTimeMs(tollgate);
    const r = await runAutocannon(target(cache), { path: '/v1/chat/completions', body }, { connections: 32, seconds: Math.floor(seconds / 2) });
    const cpu = cpuBefore === undefined ? undefined : ((cpuTimeMs(tollgate)! - cpuBefore) * 1000) / Math.max(1, r.ok);
    rows.push(`| ${what} | ${Math.round(r.rps)} | ${r.latency.p50.toFixed(2)} | ${r.latency.p99.toFixed(2)} | ${cpu === undefined ? '–' : Math.round(cpu)} | ${r.failed} |`);
  }
  console.log(rows.join('\n'));
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}

await main();
