import type { z } from 'zod';
import { fail } from '../errors/index.ts';

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
    throw fail('empty_body');
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw fail('invalid_body', { actual: kindOf(body) });
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = paramName(issue.path);
  const value = valueAt(body, issue.path);
  if (value === undefined) {
    throw fail('missing_required_parameter', { param });
  }
  if (issue.code === 'too_small') {
    throw fail('empty_array', { param, actual: kindOf(value).replace(/^an? /, '') });
  }
  const expected = EXPECTED[param] ?? ('expected' in issue && typeof issue.expected === 'string' ? `a ${issue.expected}` : 'another type');
  throw fail('invalid_type', { param, expected, actual: kindOf(value) });
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
