import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { urlHoldsSecret } from './url-secrets.ts';

/** Where tollgate.yaml says a secret is: an environment variable, or a file (a mounted secret). */
export type SecretRef = { env: string } | { file: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HOW = 'give it as { env: VARIABLE } or { file: /path/to/file }';

/** A secret found through its reference, or why it could not be; `error` never repeats a value. */
export type SecretResult = { value: string; ref?: SecretRef } | { error: string };

/**
 * The value of a secret setting written in tollgate.yaml. A secret is given by reference only, so
 * the file can be read, copied and committed without it: `{ env: NAME }` reads that variable,
 * `{ file: PATH }` that file's contents (one line; a trailing newline is dropped; a relative path
 * starts in the working directory). A URL secret (`url`) may be written inline when it holds no
 * password.
 * @example secretFromFile({ env: 'OPENAI_KEY_PROD' }, 'value', process.env) // { value: 'sk-…', ref: { env: 'OPENAI_KEY_PROD' } }
 */
export function secretFromFile(raw: unknown, kind: 'value' | 'url', env: Record<string, string | undefined>): SecretResult {
  if (typeof raw === 'string') {
    if (kind === 'url' && !URL.canParse(raw)) return { value: raw }; // the schema says what is wrong with it
    if (kind === 'url' && !urlHoldsSecret(new URL(raw))) return { value: raw };
    return { error: kind === 'url' ? `holds a password, and secrets are not written in the configuration file: ${HOW}, or leave the password out` : `secrets are not written in the configuration file: ${HOW}` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { error: `must be a reference to the secret: ${HOW}` };
  const keys = Object.keys(raw);
  const ref = raw as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === 'env') {
    if (typeof ref.env !== 'string' || !ENV_NAME.test(ref.env)) return { error: 'env: must be the name of an environment variable' };
    const value = env[ref.env];
    if (value === undefined || value === '') return { error: `refers to the environment variable ${ref.env}, which is not set` };
    return { value, ref: { env: ref.env } };
  }
  if (keys.length === 1 && keys[0] === 'file') {
    if (typeof ref.file !== 'string' || ref.file === '') return { error: 'file: must be the path of a file' };
    const path = resolve(ref.file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      return { error: `refers to the file ${path}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    const value = text.replace(/\r?\n$/, '');
    if (value === '') return { error: `refers to the file ${path}, which is empty` };
    if (/[\r\n]/.test(value)) return { error: `refers to the file ${path}, which holds more than one line` };
    return { value, ref: { file: path } };
  }
  return { error: `must be a reference to the secret: ${HOW} (one of the two)` };
}
