import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { loadConfig } from '../../config/index.ts';
import { startTollgate } from '../../app.ts';
import { ENDPOINTS } from '../../gateway/index.ts';
import { isAction } from './actions.ts';
import { checkRouteCoverage, trackNewFastifyInstances, trackRoutes } from './route-coverage.ts';
import { isSelfRule, PUBLIC, ROUTE_PERMISSIONS, routeAction } from './route-permissions.ts';

describe('route permissions', () => {
  test('every route of the real server is mapped to an action (except /health and /ready), and no mapping is stale', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tollgate-permissions-'));
    const tracker = trackNewFastifyInstances();
    try {
      const config = loadConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        TOLLGATE_DATA_DIR: dataDir,
        TOLLGATE_ADMIN_KEY: 'tg-test-admin-key-0123456789abcdef',
        TOLLGATE_LOG_LEVEL: 'silent',
      });
      const tg = await startTollgate(config, { listen: false, logger: pino({ level: 'silent' }) });
      try {
        const routes = tracker.routesOf(tg.app);
        assert.ok(routes, 'the server was seen being built');
        assert.ok(routes.length >= Object.keys(ROUTE_PERMISSIONS).length, 'routes were recorded');
        for (const r of routes) {
          if (r.method !== 'HEAD') assert.ok(tg.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url} is served`);
        }
        // The /v1 endpoints are served by the gateway pipeline, outside Fastify: they count as served routes too.
        const gatewayRoutes = ENDPOINTS.map((e) => ({ method: e.method, url: e.route }));
        const coverage = checkRouteCoverage([...routes, ...gatewayRoutes]);
        assert.deepEqual(coverage.unmapped, [], 'every route needs a line in route-permissions.ts');
        assert.deepEqual(coverage.stale, [], 'every line in route-permissions.ts names a served route');
        // Public: probes, the OpenAPI document, the steps before one has a session, and read-only share links.
        assert.deepEqual(coverage.public, [
          // The web app's pages and files (src/http/web-app.ts): HTML and hashed assets, no data.
          'GET /',
          'GET /admin',
          'GET /admin/*',
          'GET /api/auth/sso/:orgId/start',
          'GET /api/auth/sso/callback',
          'GET /api/auth/sso/lookup',
          'GET /api/invitations/accept',
          'GET /api/openapi.json',
          'GET /api/shared/:token',
          'GET /assets/*',
          'GET /c/:id',
          'GET /health',
          'GET /invite',
          'GET /ready',
          'GET /reset-password',
          'GET /settings',
          'GET /settings/*',
          'GET /share/:token',
          'GET /sign-in',
          'POST /api/auth/password-reset',
          'POST /api/auth/password-reset/confirm',
          'POST /api/auth/sign-in',
          'POST /api/invitations/accept',
        ]);
      } finally {
        await tg.close();
      }
    } finally {
      tracker.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('an unmapped route is reported; HEAD mirrors its GET', async () => {
    const app = Fastify();
    const routes = trackRoutes(app);
    app.get('/api/usage', async () => ({}));
    app.post('/api/teams/:id/archive', async () => ({}));
    app.route({ method: ['GET', 'POST'], url: '/api/secret', handler: async () => ({}) });
    await app.ready();
    const coverage = checkRouteCoverage(routes);
    assert.deepEqual(coverage.unmapped, ['GET /api/secret', 'HEAD /api/secret', 'POST /api/secret', 'POST /api/teams/:id/archive']);
    assert.ok(coverage.stale.includes('GET /api/keys'));
    assert.ok(!coverage.stale.includes('GET /api/usage'));
    await app.close();
  });

  test('every mapping names a known action or PUBLIC; lookups are by method and pattern', () => {
    for (const [key, action] of Object.entries(ROUTE_PERMISSIONS)) {
      assert.ok(action === PUBLIC || isSelfRule(action) || isAction(action), `${key} → ${action}`);
    }
    assert.equal(routeAction('GET', '/api/usage/unpriced'), 'usage.read');
    assert.equal(routeAction('put', '/api/prices/:model'), 'prices.write');
    assert.equal(routeAction('HEAD', '/api/budgets/:id'), 'budgets.read');
    assert.equal(routeAction('DELETE', '/api/usage/:id'), undefined);
    assert.equal(routeAction('GET', '/api/keys/key_123'), undefined, 'patterns, not concrete URLs');
    assert.equal(routeAction('GET', 'constructor'), undefined);
  });
});
