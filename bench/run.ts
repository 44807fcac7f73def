// `npm run bench`: simulator, pass-through proxy and Tollgate as child processes, then the same
// workloads against each (one target at a time, in interleaved rounds). Prints a markdown report
// and writes it to bench/results/<time>.md and bench/results/latest.md.
// Options: --profile  CPU-profile the Tollgate process (.cpuprofile files in bench/results/profiles/;
//                     the profiler slows Tollgate, so that report is printed, not saved)
//          --quick    short runs, for checking the bench itself (the report is printed, not saved)
//          --no-pin   never pin processes to CPUs (by default, saturation runs pin the bench and the
//                     simulator to CPU 0, or the simulator to CPU 2 when there is one, and the
//                     pass-through proxy and Tollgate to CPU 1; latency runs are never pinned)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { combineRounds, runAutocannon, runPaced, type LoadResult, type Target, type Workload } from './load.ts';
import { applyLayout, cpuLayout, cpuTimeMs, freePort, installExitHandlers, spawnNode, stopAll, waitForHttp, watchForeignCpu, type Child } from './processes.ts';
import { renderReport, TARGET_KEYS, writeReport, type Results, type Settings, type TargetKey } from './report.ts';
import { measureLedgerStall } from './ledger-stall.ts';
import { measureMeterCpu } from './metering-micro.ts';
import { measureEstimate, renderEstimateSection } from './estimate-micro.ts';
import { measureTrafficFeatures, renderTrafficFeaturesSection } from './traffic-features.ts';
import { measureGuardEndToEnd, renderGuardEndToEnd } from './guard-end-to-end.ts';
import { addBenchBudget, measureMetering, renderMeteringSection } from './metering.ts';
import { measureKeySpray, renderKeySpraySection } from './key-spray.ts';
import { sampleTtfb, summarizeTtfb, type TtfbSamples } from './ttfb.ts';
import { measureOpenStreams, measureStages, renderStagesSection } from './stages-and-streams.ts';

const ADMIN_KEY = 'tg-bench-admin-key-0123456789abcdef';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';

const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello and tell me the time.' },
];
const CHAT: Workload = { path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-4o-mini', messages }) };
const STREAM: Workload = { path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream: true }) };

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function main(): Promise<void> {
  const { values: flags } = parseArgs({ options: { profile: { type: 'boolean' }, quick: { type: 'boolean' }, 'no-pin': { type: 'boolean' } } });
  const quick = flags.quick === true;
  // 32 connections saturate one Node process on loopback (in a sweep on a 2-core VM, throughput
  // was flat from 16 to 64 connections) without piling up a deep queue that only inflates
  // latency; Tollgate's upstream pool (256 connections) is no limit at that concurrency.
  const settings: Settings = {
    connections: 32,
    rounds: quick ? 2 : 3,
    roundSeconds: quick ? 1 : 4,
    pacedRoundSeconds: quick ? 1 : 3,
    rate: 1000,
    burstConnections: 50,
    burstSeconds: quick ? 2 : 5,
    ttfbRequests: quick ? 100 : 300,
    ttfbConcurrency: 4,
  };
  const warmupSeconds = quick ? 1 : 2;

  installExitHandlers();
  const idle = watchForeignCpu();
  await sleep(1_000);
  const busy = idle();
  if (busy !== undefined && busy > 0.1) log(`warning: the machine is ${Math.round(busy * 100)} % busy before the bench starts; results will be skewed`);
  const work = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const [simPort, proxyPort, tgPort, tgOffPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const simUrl = `http://${HOST}:${simPort}`;
  const layout = flags['no-pin'] ? undefined : cpuLayout();

  log(`starting simulator, pass-through proxy and Tollgate (logs in ${work})`);
  const sim = spawnNode('simulator', {
    cwd: ROOT,
    args: ['bin/tollgate.js', 'simulate', '--port', String(simPort), '--host', HOST],
    logFile: join(work, 'simulator.log'),
  });
  await waitForHttp(sim, `${simUrl}/`);

  const proxy = spawnNode('passthrough', {
    cwd: ROOT,
    args: ['--import', 'tsx', 'bench/passthrough-proxy.ts'],
    env: { UPSTREAM_URL: simUrl, PORT: String(proxyPort), HOST },
    logFile: join(work, 'passthrough.log'),
  });

  const profileDir = join(ROOT, 'bench', 'results', 'profiles');
  if (flags.profile) mkdirSync(profileDir, { recursive: true });
  const tollgateEnv = (port: number, dataDir: string) => ({
    PORT: String(port),
    HOST,
    TOLLGATE_DATA_DIR: join(work, dataDir),
    OPENAI_API_KEY: 'sk-bench-dummy',
    OPENAI_BASE_URL: `${simUrl}/v1`,
    TOLLGATE_ADMIN_KEY: ADMIN_KEY,
    TOLLGATE_LOG_LEVEL: 'info',
    // The load comes from one address with up to 256 paced connections plus probes; the pass-through proxy has no cap either.
    TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS: '0',
  });
  const tollgate = spawnNode('tollgate', {
    cwd: ROOT,
    args: [...(flags.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), 'bin/tollgate.js', 'serve'],
    env: tollgateEnv(tgPort, 'data'),
    logFile: join(work, 'tollgate.log'),
  });
  // The same Tollgate with metering off: the reference for what metering and a budget cost.
  const tollgateOff = spawnNode('tollgate-metering-off', {
    cwd: ROOT,
    args: ['bin/tollgate.js', 'serve'],
    env: { ...tollgateEnv(tgOffPort, 'data-off'), TOLLGATE_METERING: 'off' },
    logFile: join(work, 'tollgate-off.log'),
  });
  await waitForHttp(proxy, `http://${HOST}:${proxyPort}/`);
  await waitForHttp(tollgate, `http://${HOST}:${tgPort}/health`, 30_000, 200);
  await waitForHttp(tollgateOff, `http://${HOST}:${tgOffPort}/health`, 30_000, 200);

  const targets: Record<TargetKey, Target> = {
    direct: { name: 'direct', url: simUrl, headers: { authorization: 'Bearer sk-bench-dummy' } },
    passthrough: { name: 'passthrough', url: `http://${HOST}:${proxyPort}`, headers: { authorization: 'Bearer sk-bench-dummy' } },
    tollgate: { name: 'tollgate', url: `http://${HOST}:${tgPort}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } },
  };
  const tollgateOffTarget: Target = { name: 'tollgate (metering off)', url: `http://${HOST}:${tgOffPort}`, headers: targets.tollgate.headers };
  await addBenchBudget(targets.tollgate);
  for (const target of [...Object.values(targets), tollgateOffTarget]) await checkTarget(target);

  const serving: Record<TargetKey, Child> = { direct: sim, passthrough: proxy, tollgate };
  const pin = (pinned: boolean) => applyLayout(layout, sim, [proxy, tollgate, tollgateOff], pinned);
  const { results, foreignCpu } = await measureAll(targets, serving, settings, warmupSeconds, pin);
  const metering = await measureMetering(
    { on: targets.tollgate, off: tollgateOffTarget },
    { on: tollgate, off: tollgateOff },
    { chat: CHAT, stream: STREAM },
    { rounds: settings.rounds, connections: settings.connections, seconds: settings.roundSeconds },
    pin,
    log,
  );
  pin(false);
  const keySpray = await measureKeySpray(
    targets.tollgate,
    CHAT,
    { legitKeys: 50, legitRate: 200, seconds: quick ? 2 : 5, sprayKeys: quick ? 10_000 : 100_000, sprayRate: quick ? 1_000 : 2_000 },
    log,
  );

  const setup = { root: ROOT, work, simUrl, env: tollgateEnv, headers: targets.tollgate.headers };
  log('CPU by stage (a profiled Tollgate)');
  const stages = await measureStages(setup, { chat: CHAT, stream: STREAM }, { connections: settings.connections, seconds: quick ? 2 : 5 });
  log('1,000 open streams');
  const openStreams = await measureOpenStreams(setup, STREAM, 1_000);
  const traffic = await measureTrafficFeatures(setup, CHAT, { connections: settings.connections, seconds: quick ? 2 : 5 }, log);
  const guardEndToEnd = await measureGuardEndToEnd(setup, { rate: 2_000, seconds: quick ? 2 : 3, rounds: quick ? 2 : 8, saturatedRounds: quick ? 1 : 3 }, log);

  await stopAll();
  log('in-process meter cost (reserve + complete), 20,000 requests');
  const micro = await measureMeterCpu(JSON.parse(CHAT.body) as Record<string, unknown>, quick ? 5_000 : 20_000);
  log('budget estimate at 1k, 10k and 100k-token prompts');
  const estimate = measureEstimate();
  log('guard stages with the default PII policy, and the audit log at 1,000 records/s (their own scripts)');
  const scripts = [
    ['Guard stages (issue 13)', 'bench/guard-stages-micro.ts', ['--iterations', quick ? '2000' : '10000']],
    ['Audit log at 1,000 records/s (issue 13)', 'bench/audit.ts', ['--seconds', quick ? '2' : '4']],
  ].map(([title, script, args]) => ({ title: title as string, script: script as string, args: args as string[], out: runScript(script as string, args as string[]).trim() }));
  const guardAndAudit = scripts.map((r) => `\n## ${r.title}\n\n\`node --import tsx ${r.script} ${r.args.join(' ')}\`:\n\n\`\`\`\n${r.out}\n\`\`\`\n`).join('');
  const stagesMicro = /default PII policy\s+([\d.]+) µs\/request \(no PII/.exec(scripts[0]!.out)?.[1];
  log('ledger writes at 1,000 rows/s: event loop delay');
  const stalls = [await measureLedgerStall(quick ? 3 : 8, 1_000, true), await measureLedgerStall(quick ? 3 : 8, 1_000, false)];
  if (flags.profile) log(`CPU profile of Tollgate written to ${profileDir} (summarise: node --import tsx bench/profile-summary.ts <file>)`);
  rmSync(work, { recursive: true, force: true });

  const date = new Date();
  const stallRow = (st: (typeof stalls)[number]) =>
    `| ${st.writerThread ? 'writer thread (default)' : 'event loop thread'} | ${st.busyMsPer1k.toFixed(1)} | ${st.p50Ms.toFixed(2)} | ${st.p99Ms.toFixed(2)} | ${st.maxMs.toFixed(2)} |`;
  const ledgerLine =
    `\n## Ledger writes\n\nIn-process: recording ${stalls[0]!.rows.toLocaleString('en-US')} ledger rows at 1,000 per second into a SQLite file ` +
    `(batched every 50 ms; write-ahead-log checkpoints on their own thread), with the batches written by the ledger's writer thread ` +
    `and, for comparison, on the event loop's thread. Busy time is the event loop thread's (eventLoopUtilization), including the 1 ms timer that records the rows.\n\n` +
    `| batches written on | event loop busy ms per 1,000 rows | delay p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n${stalls.map(stallRow).join('\n')}\n`;
  const markdown = `${renderReport(results, settings, date, foreignCpu, layout)}\n${renderMeteringSection(metering, micro)}${ledgerLine}\n${renderEstimateSection(estimate, stages.totalUs.json)}\n${renderKeySpraySection(keySpray)}
${renderStagesSection(stages, openStreams)}${renderTrafficFeaturesSection(traffic)}${guardAndAudit}${renderGuardEndToEnd(guardEndToEnd, stagesMicro === undefined ? undefined : Number(stagesMicro))}`;
  process.stdout.write(`${markdown}\n`);
  if (quick || flags.profile) {
    log(`${quick ? '--quick' : '--profile'}: report not written to bench/results/`);
  } else {
    const file = writeReport(join(ROOT, 'bench', 'results'), markdown, date);
    log(`report written to ${file} and bench/results/latest.md`);
  }
}

/** Runs one of the bench's stand-alone scripts and returns what it printed. */
function runScript(script: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  } catch (err) {
    return `(failed: ${(err as Error).message.split('\n')[0]})`;
  }
}

/** One request of each kind, so a misconfigured target fails loudly instead of benchmarking 401s. */
async function checkTarget(target: Target): Promise<void> {
  for (const work of [CHAT, STREAM]) {
    const res = await request(target.url + work.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: work.body,
    });
    const text = await res.body.text();
    const ok = res.statusCode === 200 && (work === CHAT ? text.includes('"choices"') : text.includes('data: [DONE]'));
    if (!ok) throw new Error(`${target.name}: sanity request failed: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
  }
}

/** Runs `load` and adds the serving process's CPU time per successful request. */
async function withCpu<T extends LoadResult>(server: Child, load: () => Promise<T>): Promise<T> {
  const before = cpuTimeMs(server);
  const result = await load();
  const after = cpuTimeMs(server);
  if (before !== undefined && after !== undefined && result.ok > 0) result.cpuUsPerRequest = ((after - before) * 1000) / result.ok;
  return result;
}

/**
 * The measurements, interleaved: each round runs every kind of load against the three targets in
 * turn (in a rotating order), and the report takes the median over rounds. A disturbance on the
 * machine then spoils one round of one target instead of a whole column.
 */
async function measureAll(targets: Record<TargetKey, Target>, serving: Record<TargetKey, Child>, s: Settings, warmupSeconds: number, pin: (pinned: boolean) => void) {
  const settle = () => sleep(300);
  const foreignCpu = watchForeignCpu();
  const rounds = { chat: perTarget<LoadResult>(), stream: perTarget<LoadResult>(), paced: perTarget<PacedResult>(), ttfb: perTarget<TtfbSamples>() };
  const ac = { connections: s.connections, seconds: s.roundSeconds };

  log(`warm-up, ${warmupSeconds} s per target`);
  for (const key of TARGET_KEYS) {
    await runAutocannon(targets[key], CHAT, { connections: s.connections, seconds: warmupSeconds });
    await runAutocannon(targets[key], STREAM, { connections: s.connections, seconds: 1 });
  }
  for (let round = 0; round < s.rounds; round++) {
    const order = TARGET_KEYS.map((_, i) => TARGET_KEYS[(i + round) % TARGET_KEYS.length]!);
    log(`round ${round + 1}/${s.rounds} (${order.join(', ')}): non-streaming, streaming, TTFB, ${s.rate} req/s paced`);
    pin(true);
    for (const key of order) {
      rounds.chat[key].push(await withCpu(serving[key], () => runAutocannon(targets[key], CHAT, ac)));
      await settle();
    }
    for (const key of order) {
      rounds.stream[key].push(await withCpu(serving[key], () => runAutocannon(targets[key], STREAM, ac)));
      await settle();
    }
    pin(false);
    for (const key of order) {
      rounds.ttfb[key].push(await sampleTtfb(targets[key], STREAM, { requests: Math.ceil(s.ttfbRequests / s.rounds), concurrency: s.ttfbConcurrency, warmup: 10 }));
    }
    for (const key of order) {
      rounds.paced[key].push(await runPaced(targets[key], CHAT, { rate: s.rate, seconds: s.pacedRoundSeconds, warmupSeconds: 0.5 }));
      await settle();
    }
  }
  const burst = {} as Record<TargetKey, LoadResult>;
  log(`${s.rate} req/s with autocannon overallRate, ${s.burstSeconds} s per target`);
  for (const key of TARGET_KEYS) {
    burst[key] = await runAutocannon(targets[key], CHAT, { connections: s.burstConnections, seconds: s.burstSeconds, overallRate: s.rate });
    await settle();
  }

  const results = {} as Results;
  for (const key of TARGET_KEYS) {
    const paced = combineRounds(rounds.paced[key]);
    results[key] = {
      chat: combineRounds(rounds.chat[key]),
      stream: combineRounds(rounds.stream[key]),
      ttfb: summarizeTtfb(rounds.ttfb[key]),
      paced: { ...paced, lagMaxMs: Math.max(...rounds.paced[key].map((r) => r.lagMaxMs)) },
      burst: burst[key],
    };
  }
  return { results, foreignCpu: foreignCpu() };
}

type PacedResult = Awaited<ReturnType<typeof runPaced>>;

function perTarget<T>(): Record<TargetKey, T[]> {
  return { direct: [], passthrough: [], tollgate: [] };
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench: failed: ${(err as Error).stack ?? String(err)}\n`);
  await stopAll(2_000);
  process.exit(1);
});
