import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The page paths of the web app (its router's routes). Each is answered with index.html; the app
 * draws the page. Anything else (an unknown path, /api/…, /v1/…) is never answered with the app.
 * Every entry is PUBLIC in src/access/permissions/route-permissions.ts: a page holds no data, the
 * app then calls /api with the session.
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

/**
 * Serves the web app at `/`: hashed files under /assets/ with a one-year immutable cache (and their
 * .br/.gz twins when the build wrote them), the page paths of WEB_APP_PAGES with index.html, never
 * cached, under a strict CSP. index.html is read once, at start-up. Without a build, the pages answer
 * 503 saying how to build it, so the API keeps working.
 */
export async function webAppRoutes(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const dist = options.distDir ?? DEFAULT_WEB_DIST;
  const indexPath = join(dist, 'index.html');
  const built = existsSync(indexPath) && existsSync(join(dist, 'assets'));
  const index = built ? readFileSync(indexPath, 'utf8') : undefined;

  if (built) {
    await app.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/assets/',
      index: false,
      decorateReply: false,
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => void res.setHeader('x-content-type-options', 'nosniff'),
    });
  } else {
    app.get('/assets/*', async (_req, reply) => reply.callNotFound());
  }

  const page = async (_req: unknown, reply: FastifyReply) => {
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
  for (const path of WEB_APP_PAGES) app.get(path, page);
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
