/**
 * Where OpenAI's OpenAPI description is found, and what a check does without it: the one resolver
 * every user of the description (simulator tests, the conformance suite, `npm test`'s summary) calls.
 *
 * The description is not in the repository. It is looked for at `TOLLGATE_OPENAPI_SPEC`, else at
 * `<repository>/../shared/openai-openapi/openapi.json`. Without it, checks that need it skip locally
 * (saying how to get them running) and fail under `CI=true`, so CI can never pass without them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const OPENAPI_SPEC_ENV = 'TOLLGATE_OPENAPI_SPEC';
const DEFAULT_SPEC = fileURLToPath(new URL('../../../../shared/openai-openapi/openapi.json', import.meta.url));

/** The path the description is read from: `TOLLGATE_OPENAPI_SPEC` when set, else the default beside the repository. */
export function openApiSpecPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[OPENAPI_SPEC_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_SPEC;
}

/** Whether this run is CI (`CI` set to anything but `false` or `0`, as CI services set it). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Found, or why not and how to get it. */
export type OpenApiSpecStatus = { found: true; path: string } | { found: false; path: string; help: string };

/**
 * Looks for the description.
 * @example const s = openApiSpecStatus(); if (!s.found) console.log(s.help);
 */
export function openApiSpecStatus(env: NodeJS.ProcessEnv = process.env): OpenApiSpecStatus {
  const path = openApiSpecPath(env);
  if (existsSync(path)) return { found: true, path };
  const where = env[OPENAPI_SPEC_ENV] ? `${OPENAPI_SPEC_ENV}=${path} does not exist` : `not found at ${path}`;
  return {
    found: false,
    path,
    help: `OpenAI's OpenAPI description ${where}. To run these checks, download openapi.json from https://github.com/openai/openai-openapi and set ${OPENAPI_SPEC_ENV}=/path/to/openapi.json (or put it at ${DEFAULT_SPEC})`,
  };
}

/**
 * The description's path for a check that needs it: undefined locally when it is missing (the
 * caller skips with `help`), an error under CI.
 */
export function openApiSpecForChecks(env: NodeJS.ProcessEnv = process.env): { path: string } | { path: undefined; help: string } {
  const status = openApiSpecStatus(env);
  if (status.found) return { path: status.path };
  if (isCi(env)) throw new Error(`${status.help}. CI=true: the OpenAPI conformance checks may not be skipped.`);
  return { path: undefined, help: status.help };
}
