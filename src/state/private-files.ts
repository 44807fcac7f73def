import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data folder and the SQLite files hold key hashes, sessions, SSO client secrets and the audit
 * log: only the account Tollgate runs as may read them. Folders are 0700 and files 0600, set
 * explicitly (not left to the umask) and also on folders and files an older version created.
 */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Creates the folder (and missing parents) 0700, or makes an existing one 0700. A folder Tollgate
 * does not own (a mounted volume) is left as it is: its owner decides.
 * @example ensurePrivateDir('./data')
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  try {
    chmodSync(dir, DIR_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

/**
 * Creates the SQLite database file 0600 before SQLite opens it (SQLite then gives its -wal and
 * -shm files the database file's mode), and makes existing ones 0600.
 * @example ensurePrivateDatabaseFiles('./data/tollgate.db')
 */
export function ensurePrivateDatabaseFiles(path: string): void {
  closeSync(openSync(path, 'a', FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, FILE_MODE);
  }
}
