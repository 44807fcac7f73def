import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installAccessControl, type AccessDeps } from './enforce.ts';

// The registration checks need no services: routes are refused before any request is made.
const deps = {} as AccessDeps;

test('registering a route missing from the permission map fails at start-up (fail closed)', async () => {
  const app = Fastify();
  installAccessControl(app, deps);
  assert.throws(() => app.get('/api/secret-admin-thing', async () => ({})), /declares no permission/);
  await app.close();
});

test('a route that declares its permission is registered', async () => {
  const app = Fastify();
  installAccessControl(app, deps);
  app.route({ method: 'PUT', url: '/api/prices/:model', config: { route: { permission: 'prices.write' } } as never, handler: async () => ({}) });
  await app.ready();
  assert.ok(app.hasRoute({ method: 'PUT', url: '/api/prices/:model' }));
  await app.close();
});
