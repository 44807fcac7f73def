import { isUtf8 } from 'node:buffer';
import { fail } from '../errors/index.ts';
import { MAX_JSON_DEPTH, scanJson } from './json-scan.ts';

/**
 * Parses a JSON request body strictly: UTF-8, valid JSON, nested at most 128 levels (deeper would
 * overflow recursive code such as JSON.stringify), and no key repeated within an object (JSON.parse
 * keeps the last value, an upstream reading the raw bytes may take the first: the gateway would check
 * one request and forward another). Throws the 400 that says which rule failed.
 * @example const body = parseJsonBody(Buffer.from('{"model":"gpt-4o"}'));
 */
export function parseJsonBody(buf: Buffer): unknown {
  if (buf.length === 0) throw fail('empty_body');
  if (!isUtf8(buf)) throw fail('invalid_encoding');
  const text = buf.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw fail('invalid_json', { reason: (err as Error).message });
  }
  const problem = parsed !== null && typeof parsed === 'object' ? scanJson(text) : undefined;
  if (problem) {
    const path = problem.path.slice(0, 200);
    if (problem.problem === 'too_deep') throw fail('json_too_deep', { limit: MAX_JSON_DEPTH, param: path });
    const key = problem.key.slice(0, 100);
    throw fail('duplicate_key', { key, where: problem.path === problem.key ? '' : ` (at '${path}')` }, { param: path });
  }
  return parsed;
}

/** Whether a Content-Type header names JSON (`application/json`, any parameters). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json';
}
