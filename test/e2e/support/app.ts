import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { DEFAULT_WEB_DIST } from '../../../src/http/web-app.ts';
import { startGateway, type GatewayOptions, type TestGateway } from '../../support/gateway.ts';
import { startSmtpServer, type TestSmtp } from '../../support/smtp.ts';
import { createUser, nextTotpCode, type TestUser } from '../../access/auth/support.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

export { createUser, nextTotpCode, type TestUser };

/** A running Tollgate with its built web app, a real SMTP server for its mail, and Chromium. */
export interface E2e {
  gw: TestGateway;
  smtp: TestSmtp;
  browser: TestBrowser;
  url: string;
  close(): Promise<void>;
}

/** A free loopback port, so Tollgate can know its own address before it starts (TOLLGATE_PUBLIC_URL). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts Tollgate (simulator upstream, mail to an in-process SMTP server, its public URL set as an
 * operator would: mailed links and single sign-on need it) and a browser.
 */
export async function startE2e(options: GatewayOptions = {}): Promise<E2e> {
  assert.ok(existsSync(`${DEFAULT_WEB_DIST}index.html`), 'the web app is built (npm run build:web; npm test builds it before the e2e tests)');
  const smtp = await startSmtpServer();
  const port = await freePort();
  const gw = await startGateway({
    ...options,
    env: { PORT: String(port), TOLLGATE_PUBLIC_URL: `http://127.0.0.1:${port}`, TOLLGATE_SMTP_URL: smtp.url, TOLLGATE_PUBLIC_RATE_LIMIT: '0', ...options.env },
  });
  const browser = await launchBrowser();
  return {
    gw,
    smtp,
    browser,
    url: gw.url,
    async close() {
      await browser.close();
      await gw.close();
      await smtp.close();
    },
  };
}

/** The first link in a mail's text that starts with `prefix` (e.g. `${url}/invite?token=`). */
export function linkIn(text: string, prefix: string): string {
  const start = text.indexOf(prefix);
  assert.ok(start >= 0, `the mail holds a link starting ${prefix}:\n${text}`);
  return text.slice(start).split(/\s/)[0]!;
}

/** Signs in through the sign-in page (and its TOTP step when `totpSecret` is given). */
export async function signInThroughPage(page: Page, e2e: E2e, user: TestUser, totpSecret?: string): Promise<void> {
  await page.goto(`${e2e.url}/sign-in`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (totpSecret) {
    await page.getByLabel('Authentication code').fill(await nextTotpCode(e2e.gw, user.user.id, totpSecret));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
  }
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Asserts the page reported no errors (console errors, uncaught exceptions, CSP violations). */
export function assertNoProblems(problems: { errors: string[] }, ignore: RegExp[] = []): void {
  // The browser logs every 4xx answer (a 401 before sign-in, a refused action the page then
  // explains); those are the app working. Server errors, CSP violations and exceptions are not.
  const expected = [/Failed to load resource: the server responded with a status of 4\d\d/, ...ignore];
  const left = problems.errors.filter((e) => !expected.some((r) => r.test(e)));
  assert.deepEqual(left, [], 'the page reported errors');
}
