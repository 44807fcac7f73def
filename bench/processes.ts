// Child processes of the bench: spawn, wait until they answer, and make sure they die with us.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

export interface Child {
  name: string;
  proc: ChildProcess;
}

const children: Child[] = [];

/** A port that was free a moment ago (the OS picks it; the child binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface SpawnOptions {
  args: string[];
  env?: Record<string, string>;
  /** stdout and stderr go to this file (the child's logs), never to the bench's own output. */
  logFile: string;
  cwd: string;
}

/** Starts `node <args>`; the process is killed when the bench exits, however it exits. */
export function spawnNode(name: string, opts: SpawnOptions): Child {
  const fd = openSync(opts.logFile, 'a');
  const proc = spawn(process.execPath, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const child = { name, proc };
  children.push(child);
  proc.once('exit', (code, signal) => {
    const i = children.indexOf(child);
    if (i >= 0) children.splice(i, 1);
    if (!stopping) process.stderr.write(`bench: ${name} exited early (code ${code}, signal ${signal}); see ${opts.logFile}\n`);
  });
  return child;
}

export interface CpuLayout {
  bench: number;
  simulator: number;
  /** The pass-through proxy and Tollgate (measured one at a time). */
  serving: number;
}

/**
 * Where to pin the processes for saturation runs, so that the one under test has a core to itself
 * and its throughput is its own, not what the simulator and load generator leave over. Undefined
 * (no pinning) on one core or without taskset.
 */
export function cpuLayout(): CpuLayout | undefined {
  const n = cpus().length;
  if (n < 2) return undefined;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { bench: 0, simulator: n >= 3 ? 2 : 0, serving: 1 };
}

/**
 * Pins the bench and its children to the layout's CPUs (`pinned`), or lets them all run anywhere
 * again. All threads are moved (taskset -a), V8's GC helpers included.
 */
export function applyLayout(layout: CpuLayout | undefined, simulator: Child, serving: Child[], pinned: boolean): void {
  if (!layout) return;
  const everywhere = `0-${cpus().length - 1}`;
  const set = (pid: number | undefined, cpu: number) => {
    if (pid === undefined) return;
    execFileSync('taskset', ['-a', '-p', '-c', pinned ? String(cpu) : everywhere, String(pid)], { stdio: 'ignore' });
  };
  set(process.pid, layout.bench);
  set(simulator.proc.pid, layout.simulator);
  for (const child of serving) set(child.proc.pid, layout.serving);
}

/** Polls `url` until it answers with `okStatus` (any status when undefined), or fails after `timeoutMs`. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 20_000, okStatus?: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) throw new Error(`${child.name} exited before it was ready`);
    try {
      const res = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000 });
      await res.body.dump();
      if (okStatus === undefined || res.statusCode === okStatus) return;
      last = `HTTP ${res.statusCode}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms (${last})`);
}

let stopping = false;

/** SIGTERM to every child, SIGKILL to those still alive after `graceMs`. */
export async function stopAll(graceMs = 5_000): Promise<void> {
  stopping = true;
  const alive = children.slice();
  await Promise.all(
    alive.map(async ({ proc }) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** SIGTERM to one child (SIGKILL after `graceMs`); resolves when it has exited. */
export async function stopChild(child: Child, graceMs = 5_000): Promise<void> {
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  stopping = true;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  stopping = false;
}

/** Resident memory of a child, MB (VmRSS from /proc; undefined elsewhere). */
export function rssMb(child: Child): number | undefined {
  try {
    const status = readFileSync(`/proc/${child.proc.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Last-resort cleanup: kill synchronously on exit, and stop cleanly on SIGINT/SIGTERM. */
export function installExitHandlers(): void {
  process.once('exit', () => {
    for (const { proc } of children) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      void stopAll(2_000).finally(() => process.exit(130));
    });
  }
}

/**
 * CPU time (user + system, ms) a child has used so far, from /proc (Linux; undefined elsewhere).
 * Per-request CPU cost does not depend on how the processes share the cores, unlike throughput.
 */
export function cpuTimeMs(child: Child): number | undefined {
  try {
    const stat = readFileSync(`/proc/${child.proc.pid}/stat`, 'utf8');
    // Fields after the command name "(...)": state is field 3, utime 14, stime 15 (in 1/100 s).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU time (ms) the whole machine has used so far, from /proc/stat: user, nice, system, irq, softirq. */
function machineCpuMs(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 8).map(Number);
    return (user! + nice! + system! + irq! + softirq!) * 10;
  } catch {
    return undefined;
  }
}

/** CPU used so far by the bench process and its children, ms. */
function ownCpuMs(): number | undefined {
  let sum = (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  for (const child of children) {
    const ms = cpuTimeMs(child);
    if (ms === undefined) return undefined;
    sum += ms;
  }
  return sum;
}

/**
 * Starts watching for CPU used by processes outside the bench (a test suite, a build…), which
 * skews every number. The returned function gives their share of the machine's CPU capacity
 * since the start, from 0 to 1, or undefined where /proc is not available.
 */
export function watchForeignCpu(): () => number | undefined {
  const machine0 = machineCpuMs();
  const own0 = ownCpuMs();
  const t0 = performance.now();
  return () => {
    const machine1 = machineCpuMs();
    const own1 = ownCpuMs();
    if (machine0 === undefined || own0 === undefined || machine1 === undefined || own1 === undefined) return undefined;
    const capacity = (performance.now() - t0) * cpus().length;
    return Math.max(0, (machine1 - machine0 - (own1 - own0)) / capacity);
  };
}
