/**
 * Shared helpers for the simulator's tests: a simulator per test file, JSON
 * requests, and OpenAPI schema checks that skip when the spec is absent.
 */
import { after, before, type TestContext } from 'node:test';
import { createSimulator } from './simulator-server.ts';
import type { Simulator, SimulatorOptions } from './simulator-types.ts';
import { openApiValidatorForChecks, type OpenApiValidator } from './openapi-validator.ts';

/** Starts a simulator on a free port before the file's tests and closes it after. */
export function useSimulator(options: SimulatorOptions = {}): { readonly sim: Simulator } {
  const holder: { sim: Simulator } = { sim: createSimulator(options) };
  before(async () => {
    await holder.sim.listen(0);
  });
  after(async () => {
    await holder.sim.close();
  });
  return holder;
}

/** POSTs `body` as JSON. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/**
 * The OpenAPI validator, or undefined after marking the test skipped when
 * the spec file is not available locally (under CI=true a missing spec fails).
 */
export function specOrSkip(t: TestContext): OpenApiValidator | undefined {
  const { validator, skip } = openApiValidatorForChecks();
  if (skip !== undefined) t.skip(skip);
  return validator;
}
