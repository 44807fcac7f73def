import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { trackNewFastifyInstances } from '../../src/access/permissions/route-coverage.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { security: unknown[]; 'x-tollgate-permission': string; requestBody?: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } }; parameters: { name: string; in: string }[] }>>;
}

describe('GET /api/openapi.json', () => {
  let gw: TestGateway;
  let routes: { method: string; url: string }[] = [];
  before(async () => {
    const tracker = trackNewFastifyInstances();
    gw = await startGateway();
    routes = tracker.routesOf(gw.tg.app) ?? [];
    tracker.stop();
  });
  after(() => gw.close());

  test('is public, OpenAPI 3.1, and lists every route the server has with its permission', async () => {
    const res = await gw.call('/api/openapi.json', { key: null });
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Doc;
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(routes.length > 40, `tracked ${routes.length} routes`);
    for (const r of routes) {
      if (r.method === 'HEAD' || r.url === '/health' || r.url === '/ready') continue;
      if (!r.url.startsWith('/api/') && !r.url.startsWith('/v1/')) continue; // the web app's pages and files: HTML, not API
      const op = doc.paths[r.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.url} is in the document`);
      assert.ok(op['x-tollgate-permission'], `${r.method} ${r.url} names its permission`);
    }
  });

  test('request bodies come from the schemas the handlers validate with', async () => {
    const doc = (await (await gw.call('/api/openapi.json', { key: null })).json()) as Doc;
    const create = doc.paths['/api/keys']!.post!;
    assert.equal(create['x-tollgate-permission'], 'keys.create');
    const props = create.requestBody!.content['application/json'].schema.properties;
    for (const field of ['name', 'kind', 'team_id', 'role', 'allowed_models', 'endpoints', 'ip_allowlist', 'expires_at']) assert.ok(field in props, field);
    assert.deepEqual(doc.paths['/api/keys/{id}']!.delete!.parameters.map((p) => [p.name, p.in]), [['id', 'path']]);
    assert.deepEqual(doc.paths['/api/auth/sign-in']!.post!.security, [], 'sign-in needs no credentials');
  });

  test('every route that takes a JSON body documents it', async () => {
    const doc = (await (await gw.call('/api/openapi.json', { key: null })).json()) as Doc;
    const bodiless = new Set(['post /api/auth/sign-out', 'post /api/users/{id}/password-reset', 'post /v1/batches/{id}/cancel']);
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (['post', 'put', 'patch'].includes(method) && !op.requestBody && !bodiless.has(`${method} ${path}`)) missing.push(`${method} ${path}`);
      }
    }
    assert.deepEqual(missing, []);
    const chat = doc.paths['/v1/chat/completions']!.post!.requestBody!.content['application/json'].schema.properties;
    assert.ok('messages' in chat && 'model' in chat);
  });
});
