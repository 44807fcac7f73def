import type { z } from 'zod';
import { errors } from '../http/errors.ts';

const EXPECTED: Record<string, string> = {
  model: 'a string',
  messages: 'an array of message objects',
  prompt: 'a string, an array of strings, or an array of tokens',
  input: 'a string or an array',
  stream: 'a boolean',
  stream_options: 'an object',
};

/**
 * Checks a request body against a schema and returns it typed, or throws a 400 in OpenAI's shape
 * naming the first offending parameter (e.g. `messages[0].role`).
 */
export function validateBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null) {
    throw errors.badRequest('empty_body', 'Request body is empty; expected a JSON object.');
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw errors.badRequest('invalid_body', `Request body must be a JSON object, but got ${kindOf(body)}.`);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = paramName(issue.path);
  const value = valueAt(body, issue.path);
  if (value === undefined) {
    throw errors.badRequest('missing_required_parameter', `Missing required parameter: '${param}'.`, param);
  }
  if (issue.code === 'too_small') {
    throw errors.badRequest('empty_array', `Invalid '${param}': expected a non-empty value, but got an empty ${kindOf(value)}.`, param);
  }
  const expected = EXPECTED[param] ?? ('expected' in issue && typeof issue.expected === 'string' ? `a ${issue.expected}` : 'another type');
  throw errors.badRequest('invalid_type', `Invalid type for '${param}': expected ${expected}, but got ${kindOf(value)} instead.`, param);
}

function paramName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || 'body';
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = body;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}
