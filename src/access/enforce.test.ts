import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installAccessControl, type AccessDeps } from './enforce.ts';

// The registration checks need no services: routes are refused before any request is made.
const deps = {} as AccessDeps;

test('registering a route missing from the permission map fails at start-up (fail closed)', async () => {
  const app = Fastify();
  installAccessControl(app, deps);
  assert.throws(() => app.get('/api/secret-admin-thing', async () => ({})), /has no entry in ROUTE_PERMISSIONS/);
  await app.close();
});

test('one route serving methods with different permissions is refused; the same permission is fine', async () => {
  const app = Fastify();
  installAccessControl(app, deps);
  assert.throws(() => app.route({ method: ['GET', 'DELETE'], url: '/api/keys/:id', handler: async () => ({}) }), /different permissions per method/);
  app.route({ method: ['PUT', 'DELETE'], url: '/api/prices/:model', handler: async () => ({}) });
  await app.ready();
  await app.close();
});
