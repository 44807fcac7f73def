import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { PUBLIC, registerRoutes } from './routes/index.ts';
import { WEB_APP_PAGES, webApp } from './web-app.ts';

/** A bare server with the web app as Tollgate composes it: file server, then the declared routes. */
async function serve(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  const web = webApp({ distDir });
  await web.register(app);
  registerRoutes(app, web.routes, { checkResponses: false });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: { code: 'unknown_url' } }));
  await app.ready();
  return app;
}

const INDEX = '<!doctype html><meta name="csp-nonce" content="__TOLLGATE_CSP_NONCE__"><script type="module" src="/assets/app-abc123.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('serving the web app', () => {
  let dist: string;
  let app: FastifyInstance;
  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'tollgate-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), SCRIPT);
    writeFileSync(join(dist, 'assets', 'app-abc123.js.gz'), gzipSync(SCRIPT));
    writeFileSync(join(dist, 'secret.txt'), 'not an asset');
    app = await serve(dist);
  });
  after(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('every page path answers index.html, never cached, under a CSP without inline script', async () => {
    for (const path of ['/', '/sign-in', '/invite?token=abc', '/reset-password?token=x', '/share/tok_1', '/c/conv_1', '/settings', '/settings/security', '/admin', '/admin/keys']) {
      const res = await app.inject({ url: path });
      assert.equal(res.statusCode, 200, path);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', 'links with tokens are never sent on as a referrer');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      const csp = res.headers['content-security-policy'] as string;
      assert.match(csp, /script-src 'self'(;|$)/, 'scripts only from this origin: no inline, no eval');
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /connect-src 'self'/);
    }
  });

  test('each response carries a fresh nonce, in the page and in the CSP', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ url: '/' });
      const nonce = /nonce-([^']+)'/.exec(res.headers['content-security-policy'] as string)![1]!;
      assert.ok(res.body.includes(`content="${nonce}"`), 'the page holds the nonce of its CSP');
      assert.ok(!res.body.includes('__TOLLGATE_CSP_NONCE__'));
      nonces.add(nonce);
    }
    assert.equal(nonces.size, 3);
  });

  test('hashed files are cached for a year, compressed when the browser takes it', async () => {
    const res = await app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const plain = await app.inject({ url: '/assets/app-abc123.js' });
    assert.equal(plain.body, SCRIPT);
  });

  test('no fallback for the API, the gateway, unknown paths or missing files; no way out of assets/', async () => {
    for (const path of ['/api/anything', '/api/conversations', '/v1/chat/completions', '/nope', '/invite/extra', '/assets/missing.js']) {
      const res = await app.inject({ url: path });
      assert.equal(res.statusCode, 404, path);
      assert.doesNotMatch(res.body, /<!doctype html>/i, `${path} is not answered with the app`);
    }
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt']) {
      const res = await app.inject({ url: path });
      assert.ok([403, 404].includes(res.statusCode), `${path} → ${res.statusCode}`);
      assert.ok(!res.body.includes('not an asset'), `${path} does not leave assets/`);
    }
  });

  test('without a build, pages say how to build it (503) and the rest keeps working', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tollgate-web-empty-'));
    const bare = await serve(empty);
    const res = await bare.inject({ url: '/invite?token=x' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build:web/);
    assert.equal((await bare.inject({ url: '/assets/app-abc123.js' })).statusCode, 404);
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });

  test('every page path and the files are declared public GET routes (the permission map must agree: enforce checks it at start)', () => {
    const routes = webApp({ distDir: dist }).routes;
    assert.deepEqual(routes.map((r) => r.path), [...WEB_APP_PAGES, '/assets/*']);
    for (const r of routes) assert.deepEqual([r.method, r.permission], ['GET', PUBLIC], r.path);
  });
});
