import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A key file, or a key given in configuration, that cannot be used; the message says why and what to do. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/**
 * Reads a secret file that only its owner may read (mode 0600 or stricter). A file readable by the
 * group or by others is refused, as ssh does: a key copied with loose permissions is already exposed.
 * @example const text = readPrivateFile('/var/lib/tollgate/master.key');
 */
export function readPrivateFile(path: string): string {
  const st = statSync(path);
  if (!st.isFile()) throw new KeyFileError(`${path} is not a file`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new KeyFileError(`${path} may be read by other users (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${path}`);
  }
  return readFileSync(path, 'utf8');
}

/**
 * Writes a new secret file with mode 0600; never overwrites an existing file (a key that exists may
 * be the only way to read what it protects).
 */
export function writePrivateFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
}

/** Parses a 256-bit key written as base64 (standard or URL-safe). */
export function parseKey256(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new KeyFileError(`${where} must be 32 random bytes in base64 (e.g. the output of: openssl rand -base64 32)`);
  }
  return key;
}

/** A new random 256-bit key as base64 text, for a key file. */
export function newKey256Text(): string {
  return `${randomBytes(32).toString('base64')}\n`;
}

/** Whether a file exists (a broken path is treated as absent). */
export function fileExists(path: string): boolean {
  return existsSync(path);
}
