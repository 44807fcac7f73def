import { readFileSync } from 'node:fs';
import type { SecretRef } from './deployment.ts';

/** A secret reference that cannot be resolved; the message names the reference, never a value. */
export class SecretRefError extends Error {
  override name = 'SecretRefError';
}

export interface SecretSources {
  env: Record<string, string | undefined>;
  readFile?: ((path: string) => string) | undefined;
}

/**
 * Resolves a secret reference once, at start-up: the environment variable's value or the file's
 * contents (trailing newline trimmed). Throws SecretRefError for an unset variable, an unreadable
 * or empty file.
 * @example const key = resolveSecret({ env: 'AZURE_EU_KEY' }, { env: process.env });
 */
export function resolveSecret(ref: SecretRef, sources: SecretSources): string {
  if ('env' in ref) {
    const v = sources.env[ref.env];
    if (!v) throw new SecretRefError(`environment variable ${ref.env} is not set`);
    return v;
  }
  let text: string;
  try {
    text = (sources.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(ref.file);
  } catch (err) {
    throw new SecretRefError(`secret file ${ref.file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (!secret) throw new SecretRefError(`secret file ${ref.file} is empty`);
  if (/[\r\n]/.test(secret)) throw new SecretRefError(`secret file ${ref.file} holds more than one line`);
  return secret;
}
