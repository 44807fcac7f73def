import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';

/** Who holds a data directory: written next to the lock for the message a second server prints. */
export interface DataDirHolder {
  pid: number;
  host: string;
  /** ISO 8601 time the holder took the lock. */
  since: string;
}

/** A data directory held by this process; `release()` gives it up (the OS does when the process ends). */
export interface DataDirLock {
  readonly dataDir: string;
  release(): void;
}

/** Another server (this process or another one) holds the data directory. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    /** Undefined when the holder's note is missing or unreadable (e.g. it is still being written). */
    readonly holder: DataDirHolder | undefined,
  ) {
    super(`the data directory ${dataDir} is in use by another Tollgate${holder ? ` (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : ''}`);
  }
}

export const LOCK_FILE = 'tollgate.lock';
export const HOLDER_FILE = 'tollgate.pid';

/**
 * Takes the data directory for one server process, or throws {@link DataDirInUseError}.
 *
 * The lock is an exclusive SQLite lock (an OS-level file lock) on `tollgate.lock`, held by an open
 * connection in exclusive locking mode: the OS drops it when the process ends, however it ends, so a
 * crashed server never leaves a stale lock and a reused pid is never mistaken for a holder. The pid in
 * `tollgate.pid` is only for the message. Short-lived CLI commands do not take it: they share the store
 * with the running server on purpose (SQLite serialises their writes).
 * @example const lock = lockDataDir('./data'); try { … } finally { lock.release(); }
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const holderPath = join(dataDir, HOLDER_FILE);
  const db = new SQLite(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('journal_mode = OFF'); // nothing in it to protect; no -journal file beside it
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write in exclusive locking mode takes the EXCLUSIVE lock and keeps it until close.
    db.exec('BEGIN EXCLUSIVE; PRAGMA user_version = 1; COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dataDir, readHolder(holderPath));
    throw err;
  }
  const holder: DataDirHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  writeFileSync(holderPath, `${JSON.stringify(holder)}\n`);
  let held = true;
  return {
    dataDir,
    release() {
      if (!held) return;
      held = false;
      rmSync(holderPath, { force: true });
      db.close();
    },
  };
}

function readHolder(path: string): DataDirHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataDirHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'string') return value as DataDirHolder;
  } catch {
    // Missing or half-written: the message goes without the pid.
  }
  return undefined;
}
