import assert from 'node:assert/strict';

/** OpenAI's error body, as every Tollgate error has it. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/**
 * Asserts an error answer: its status, OpenAI's shape (message, type, param, code; JSON), and when
 * given its code and param. Returns the body. The one error assertion of the tests.
 * @example await expectError(await gw.call('/api/keys/nope'), 404, 'key_not_found');
 */
export async function expectError(res: Response | Promise<Response>, status: number, code?: string, param?: string | null): Promise<ErrorBody> {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, text);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/, text);
  const body = JSON.parse(text) as ErrorBody;
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'], text);
  if (code !== undefined) assert.equal(body.error.code, code, text);
  if (param !== undefined) assert.equal(body.error.param, param, text);
  return body;
}
