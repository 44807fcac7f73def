/**
 * Runs the real `tollgate` command (bin/tollgate.js) as a child process, as a person would: one-shot
 * commands with spawnSync, `serve` in the background until its banner is printed.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '../..');
export const BIN = join(REPO, 'bin/tollgate.js');

/** The test's environment without anything that would point Tollgate elsewhere, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'DATABASE_URL', 'TOLLGATE_ADMIN_KEY', 'TOLLGATE_DATA_DIR', 'PORT', 'HOST', 'TOLLGATE_CONFIG']) delete env[k];
  return { ...env, ...extra };
}

/** `tollgate …args` to completion. */
export function runTollgate(args: string[], env: NodeJS.ProcessEnv, input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000, cwd: REPO, ...(input === undefined ? {} : { input }) });
}

export interface Served {
  proc: ChildProcess;
  banner: string;
  /** http://127.0.0.1:PORT */
  url: string;
  /** The admin key the banner showed, on a first start. */
  key: string | undefined;
}

/** Starts `tollgate serve` (in `cwd`: a relative TOLLGATE_DATA_DIR, `./data` by default, is below it); resolves once the banner is printed, rejects if the process exits first. */
export function serve(env: NodeJS.ProcessEnv, cwd = REPO): Promise<Served> {
  const proc = spawn(process.execPath, [BIN, 'serve'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no banner in 60 s: ${out}${err}`));
    }, 60_000);
    proc.stderr!.on('data', (c) => (err += c));
    proc.stdout!.on('data', (c) => {
      out += c;
      if (/Tollgate listening on/.test(out) && /\n {2}Admin key/.test(out)) {
        // The banner is one write; give the rest of the chunk a moment.
        setTimeout(() => {
          clearTimeout(timer);
          const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
          resolve({ proc, banner: out, url, key: /\n {4}(tg-[A-Za-z0-9_-]+)\n/.exec(out)?.[1] });
        }, 200);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tollgate serve exited ${code}: ${out}${err}`));
    });
  });
}

/** Resolves with the exit code (or signal) once the process has ended. */
export function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Stops a server started by {@link serve} (SIGTERM: it drains and closes) and waits for it. */
export async function stop(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const done = exited(proc);
  proc.kill('SIGTERM');
  await done;
}
