import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { loadConfig } from '../../config/index.ts';
import { startTollgate } from '../../app.ts';
import { ENDPOINTS, FILES_BATCHES_ROUTES } from '../../gateway/index.ts';
import { checkRouteCoverage, trackNewFastifyInstances, trackRoutes } from './route-coverage.ts';
import { isRouteRule } from './route-permissions.ts';

describe('route permissions', () => {
  test('every route of the real server is declared with a permission, every declaration is served, and the public ones are these', async () => {
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
        assert.ok(routes.length >= 100, 'routes were recorded');
        for (const r of routes) {
          if (r.method !== 'HEAD') assert.ok(tg.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url} is served`);
        }
        // The /v1 endpoints are declared too, and served by the gateway pipeline outside Fastify.
        const gatewayRoutes = [...ENDPOINTS, ...FILES_BATCHES_ROUTES].map((e) => `${e.method} ${e.route}`);
        const coverage = checkRouteCoverage(routes, tg.routes, gatewayRoutes);
        assert.deepEqual(coverage.undeclared, [], 'every served route is declared');
        assert.deepEqual(coverage.notServed, [], 'every declaration is served');
        for (const r of tg.routes) assert.ok(isRouteRule(r.permission), `${r.method} ${r.path} → ${r.permission}`);
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

  test('a served route nobody declared is reported, and a declaration nothing serves; HEAD mirrors its GET', async () => {
    const app = Fastify();
    const routes = trackRoutes(app);
    app.get('/api/usage', async () => ({}));
    app.route({ method: ['GET', 'POST'], url: '/api/secret', handler: async () => ({}) });
    await app.ready();
    const declared = [
      { method: 'GET', path: '/api/usage', permission: 'usage.read' },
      { method: 'GET', path: '/api/keys', permission: 'keys.read' },
      { method: 'POST', path: '/v1/embeddings', permission: 'gateway.call' },
    ];
    const coverage = checkRouteCoverage(routes, declared, ['POST /v1/embeddings']);
    assert.deepEqual(coverage.undeclared, ['GET /api/secret', 'HEAD /api/secret', 'POST /api/secret']);
    assert.deepEqual(coverage.notServed, ['GET /api/keys']);
    await app.close();
  });

  test('the access hook refuses to register a route without a declared permission (fail closed)', async () => {
    const tgLike = Fastify();
    tgLike.addHook('onRoute', () => undefined);
    const { installAccessControl } = await import('../enforce.ts');
    installAccessControl(tgLike, { keys: {} as never, sessions: {} as never, directory: {} as never });
    assert.throws(() => tgLike.get('/api/undeclared', async () => ({})), /declares no permission/);
    assert.throws(() => tgLike.get('/api/wrong', { config: { route: { permission: 'keys.fly' } } as never }, async () => ({})), /no action of the permission matrix/);
    await tgLike.close();
  });
});
