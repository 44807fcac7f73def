import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT } from '../../src/access/permissions/route-permissions.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 10.2: one formatter for every validation failure. Every /api route, as declared, is sent a
// field it does not know (in the body for writes, in the query for reads): the answer is the same
// 400 everywhere, naming the field. Routes for one's own sign-in settings (ACCOUNT) need a session
// and are covered by their own tests.

const FIELD = 'zz_not_a_field';
/** The identity provider's redirect adds parameters of its own (`iss`, `session_state`, …): it takes any. */
const TAKES_ANY_QUERY = new Set(['GET /api/auth/sso/callback']);
/** Path parameters that are a closed set take one of their values; any other takes `x0`. */
const PATH_SAMPLE: Record<string, string> = { scope: 'team' };

describe('an unknown field gets the same 400 on every /api route', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  test('every declared route, body or query', async () => {
    const wrong: string[] = [];
    let tried = 0;
    for (const r of gw.tg.routes) {
      if (!r.path.startsWith('/api/') || r.permission === ACCOUNT || TAKES_ANY_QUERY.has(`${r.method} ${r.path}`)) continue;
      const path = r.path.replace(/:([A-Za-z]+)/g, (_, name: string) => PATH_SAMPLE[name] ?? 'x0').replace(/\*$/, 'x0');
      const write = r.method !== 'GET';
      const res = await gw.call(write ? path : `${path}?${FIELD}=1`, { method: r.method, ...(write ? { body: { [FIELD]: 1 } } : {}) });
      tried++;
      const text = await res.text();
      let error: { code?: string; param?: string; message?: string } = {};
      try {
        error = (JSON.parse(text) as { error: typeof error }).error ?? {};
      } catch {
        // not JSON: reported below
      }
      const ok = res.status === 400 && error.code === 'invalid_parameter' && error.param === FIELD && error.message === `Invalid '${FIELD}': unknown parameter.`;
      if (!ok) wrong.push(`${r.method} ${r.path} → ${res.status} ${text.slice(0, 160)}`);
    }
    assert.ok(tried > 70, `routes tried: ${tried}`);
    assert.deepEqual(wrong, []);
  });
});
