import type { z } from 'zod';
import { ERROR_TABLE, fail } from '../../errors/index.ts';

/** The template a field error has; a schema's own code must use it. */
const FIELD_TEMPLATE = "Invalid '{param}': {reason}.";

/**
 * THE formatter of validation failures, for every route's params, query and body: 400 naming the
 * first offending field as OpenAI does (`param`: `members[0].role`); an unknown field is
 * "Invalid 'x': unknown parameter." everywhere. A schema may name its own code in a custom issue's
 * `params.code` (e.g. `invalid_name`).
 * @example const body = validateInput(CreateTeamBody, req.body, 'body');
 */
export function validateInput<S extends z.ZodType>(schema: S, value: unknown, where: 'params' | 'query' | 'body'): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  // An unknown field is named first, whatever else is wrong: the same 400 on every route.
  const issues = parsed.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const param =
    issue.code === 'unrecognized_keys'
      ? clip([...issue.path, issue.keys[0]!].reduce<string>(joinPath, ''))
      : issue.path.reduce<string>(joinPath, '') || where;
  const reason = issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message;
  const custom = issue.code === 'custom' && typeof issue.params?.['code'] === 'string' ? (issue.params['code'] as string) : undefined;
  const table: Readonly<Record<string, { message: string }>> = ERROR_TABLE;
  const code = custom !== undefined && table[custom]?.message === FIELD_TEMPLATE ? (custom as 'invalid_parameter') : 'invalid_parameter';
  throw fail(code, { param, reason });
}

function joinPath(acc: string, part: PropertyKey): string {
  if (typeof part === 'number') return `${acc}[${part}]`;
  return acc === '' ? String(part) : `${acc}.${String(part)}`;
}

/** A field name taken from the request is shown at most 100 characters long. */
function clip(name: string): string {
  return name.length > 100 ? `${name.slice(0, 100)}…` : name;
}
