import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startGateway, ADMIN_KEY, UPSTREAM_KEY, type TestGateway } from '../support/gateway.ts';

// Issue 9.11: admin API requests were not in the request log; only /v1 requests were. Rule: every
// request writes one line `request` with reqId, method, route (the pattern, never the raw path),
// status, ms and the actor's id (a user, or a service key); never a body, a secret or a query.

interface Line {
  msg: string;
  reqId?: string;
  method?: string;
  route?: string | null;
  status?: number;
  ms?: number;
  actor?: string | null;
}

describe('one log line per request, admin API included (issue 9.11)', () => {
  let gw: TestGateway;
  let ownerId: string;
  before(async () => {
    gw = await startGateway();
    ownerId = gw.tg.home.owner.id;
  });
  after(() => gw.close());

  /** The request lines of one request id, after its answer arrived. */
  async function linesOf(res: Response): Promise<Line[]> {
    const id = res.headers.get('x-request-id')!;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 20));
    return gw.logs.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === 'request' && l.reqId === id);
  }

  async function expectLine(res: Response, method: string, route: string | null, status: number, actor: string | null | undefined): Promise<Line> {
    const lines = await linesOf(res);
    assert.equal(lines.length, 1, `one line for ${method} ${route} (got ${lines.length})`);
    const line = lines[0]!;
    assert.equal(line.method, method);
    assert.equal(line.route, route);
    assert.equal(line.status, status);
    assert.equal(typeof line.ms, 'number');
    if (actor !== undefined) assert.equal(line.actor, actor);
    return line;
  }

  test('admin API requests: method, route pattern, status, duration and the actor', async () => {
    await expectLine(await gw.call('/api/me'), 'GET', '/api/me', 200, ownerId);
    const key = (await (await gw.call('/api/keys', { body: { name: 'logged', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    await expectLine(await gw.call(`/api/keys/${key.id}`), 'GET', '/api/keys/:id', 200, ownerId);
    await expectLine(await gw.call(`/api/keys/${key.id}`, { key: key.key }), 'GET', '/api/keys/:id', 403, key.id);
    await expectLine(await gw.call('/api/keys', { key: null }), 'GET', '/api/keys', 401, null);
    const signIn = await gw.call('/api/auth/sign-in', { key: null, body: { email: 'nobody@example.com', password: 'a wrong password, never logged' } });
    const id = signIn.headers.get('x-request-id');
    await expectLine(signIn, 'POST', '/api/auth/sign-in', 401, null);
    // Lines a route writes through req.log carry the request's id (the request logger is made when first used).
    assert.ok(gw.logs.some((l) => l.includes('"sign-in failed"') && (JSON.parse(l) as Line).reqId === id));
  });

  test('the gateway line has the same fields, plus its own', async () => {
    const res = await gw.call('/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'secret plans for the lighthouse' }] } });
    const line = await expectLine(res, 'POST', '/v1/chat/completions', 200, ownerId);
    assert.equal((line as { model?: string }).model, 'gpt-4o-mini');
    await expectLine(await gw.call('/v1/models/gpt-4o'), 'GET', '/v1/models/:id', 200, ownerId);
    await expectLine(await gw.call('/v1/nope'), 'GET', null, 404, ownerId);
  });

  test('health, unknown routes and malformed URLs are logged too, without their raw path', async () => {
    await expectLine(await gw.call('/health', { key: null }), 'GET', '/health', 200, null);
    await expectLine(await gw.call('/no/such/thing-with-a-token-abc123', { key: null }), 'GET', null, 404, null);
    for (const path of ['/api/keys/%zz', '/v1/models/%zz']) {
      const bad = await new Promise<{ id: string }>((resolve, reject) => {
        const u = new URL(gw.url);
        httpRequest({ host: u.hostname, port: u.port, path }, (res) => {
          res.resume();
          res.on('end', () => resolve({ id: String(res.headers['x-request-id']) }));
        }).on('error', reject).end();
      });
      await new Promise((r) => setTimeout(r, 20));
      const lines = gw.logs.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === 'request' && l.reqId === bad.id);
      assert.equal(lines.length, 1, path);
      assert.equal(lines[0]!.status, 400);
      assert.equal(lines[0]!.route, null);
    }
    assert.ok(!gw.logs.join('').includes('thing-with-a-token-abc123'), 'an unknown path is not written down');
  });

  test('no body, password, key or query reaches the log', async () => {
    await (await gw.call('/api/usage?model=gpt-4o-mini&limit=3')).arrayBuffer();
    const all = gw.logs.join('\n');
    for (const secret of [ADMIN_KEY, UPSTREAM_KEY, 'a wrong password, never logged', 'secret plans for the lighthouse', 'limit=3']) {
      assert.ok(!all.includes(secret), `the log holds ${secret.slice(0, 12)}…`);
    }
  });
});
