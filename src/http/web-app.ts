import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { defineRoute, PUBLIC, type AnyRoute } from './routes/index.ts';

/**
 * The page paths of the web app (its router's routes). Each is answered with index.html; the app
 * draws the page. Anything else (an unknown path, /api/…, /v1/…) is never answered with the app.
 * Every entry is declared PUBLIC (and listed so in the access module's permission map): a page
 * holds no data, the app then calls /api with the session.
 */
export const WEB_APP_PAGES = [
  '/',
  '/sign-in',
  '/invite',
  '/reset-password',
  '/share/:token',
  '/c/:id',
  '/settings',
  '/settings/*',
  '/admin',
  '/admin/*',
] as const;

/** Where `npm run build:web` writes the app. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Replaced in index.html by a fresh nonce on every response (see web/index.html). */
const NONCE_PLACEHOLDER = '__TOLLGATE_CSP_NONCE__';

/**
 * The app's Content-Security-Policy: scripts only from this origin (no inline script, no eval),
 * styles from this origin plus the `<style>` elements the app itself adds with the nonce (Radix's
 * scroll lock), connections only back to this origin, never framed.
 */
export function webAppCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface WebAppOptions {
  /** The built app (index.html and assets/); default web/dist of this checkout. */
  distDir?: string;
}

/** The web app's routes and the file server they use. */
export interface WebApp {
  /** The page paths (index.html) and GET /assets/* (the hashed files), declared like every route; all PUBLIC: no data. */
  routes: AnyRoute[];
  /** Registers the file server behind /assets/* (before the routes). */
  register(app: FastifyInstance): Promise<void>;
}

/**
 * The web app at `/`: hashed files under /assets/ with a one-year immutable cache (and their
 * .br/.gz twins when the build wrote them), the page paths of WEB_APP_PAGES with index.html, never
 * cached, under a strict CSP. index.html is read once, here. Without a build, the pages answer 503
 * saying how to build it, so the API keeps working.
 * @example const web = webApp(); await web.register(app); registerRoutes(app, web.routes, opts);
 */
export function webApp(options: WebAppOptions = {}): WebApp {
  const dist = options.distDir ?? DEFAULT_WEB_DIST;
  const indexPath = join(dist, 'index.html');
  const assets = join(dist, 'assets');
  const index = existsSync(indexPath) && existsSync(assets) ? readFileSync(indexPath, 'utf8') : undefined;

  const page = (reply: FastifyReply): FastifyReply => {
    securityHeaders(reply);
    if (!index) {
      return reply
        .code(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .send('The web app has not been built. Run `npm run build:web` (npm ci does it), then restart Tollgate.\n');
    }
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', webAppCsp(nonce))
      .send(index.replaceAll(NONCE_PLACEHOLDER, nonce));
  };

  const routes: AnyRoute[] = WEB_APP_PAGES.map((path) =>
    defineRoute({
      method: 'GET',
      path,
      permission: PUBLIC,
      summary: 'A page of the web app (index.html; the app draws it and calls /api).',
      produces: 'text/html',
      handler: ({ reply }) => page(reply),
    }),
  );
  routes.push(
    defineRoute({
      method: 'GET',
      path: '/assets/*',
      permission: PUBLIC,
      summary: 'A hashed file of the web app (script, style, font), cached for a year.',
      produces: 'application/octet-stream',
      handler: ({ req, reply }) => {
        const file = (req.params as { '*'?: string })['*'] ?? '';
        // Nothing outside assets/ (send refuses it too; this keeps it a plain 404).
        if (!index || file === '' || file.includes('\0') || file.split(/[\\/]/).includes('..')) return reply.callNotFound();
        return reply.header('x-content-type-options', 'nosniff').sendFile(file);
      },
    }),
  );

  return {
    routes,
    async register(app) {
      if (!index) return;
      await app.register(fastifyStatic, {
        root: assets,
        serve: false,
        index: false,
        preCompressed: true,
        immutable: true,
        maxAge: '365d',
        // No `setHeaders` (nosniff is set on the reply by the route): @fastify/static calls it on the
        // raw response after an await, and when the reply was answered meanwhile, node's setHeader
        // throws ERR_HTTP_HEADERS_SENT as an unhandled rejection (seen once in CI, under load).
      });
    },
  };
}

function securityHeaders(reply: FastifyReply): void {
  reply
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    // Invitation, reset and share links carry their token in the URL: never send it on.
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('x-robots-tag', 'noindex');
}
