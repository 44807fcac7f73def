import type { z } from 'zod';
import { errors } from './errors.ts';

/**
 * Validates a request body or query with a zod schema; on failure throws 400 `invalid_parameter`
 * (or the code a custom issue names in `params.code`) naming the first offending field as OpenAI does (`param`: `members[0].role`, an unknown key's name).
 * @example const body = parseInput(CreateTeamBody, req.body);
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, fallbackParam = 'body'): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param =
    issue.code === 'unrecognized_keys'
      ? [...issue.path, issue.keys[0]!].reduce<string>(joinPath, '')
      : issue.path.reduce<string>(joinPath, '') || fallbackParam;
  const what = issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message;
  // A schema may name its own error code (e.g. humanName's `invalid_name`).
  const code = issue.code === 'custom' && typeof issue.params?.['code'] === 'string' ? (issue.params['code'] as string) : 'invalid_parameter';
  throw errors.badRequest(code, `Invalid '${param}': ${what}.`, param);
}

function joinPath(acc: string, part: PropertyKey): string {
  if (typeof part === 'number') return `${acc}[${part}]`;
  return acc === '' ? String(part) : `${acc}.${String(part)}`;
}
