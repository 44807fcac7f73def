import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser. */
export const CHROMIUM = process.env.TOLLGATE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where screenshots go (ignored by git). */
export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));

/** Problems a page reported that a person would not see but a test must: errors, CSP violations, failed scripts. */
export interface PageProblems {
  errors: string[];
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies and storage), 1280×800 unless told otherwise, its problems recorded. */
  newContext(options?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }>;
  close(): Promise<void>;
}

/**
 * Launches the system Chromium headless with a fresh profile directory. Every page's console
 * errors, uncaught exceptions and CSP violations are collected, so tests can assert there were none.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tollgate-chromium-'));
  // A persistent context would give one context only; launch() with a fresh profile per run (the
  // temp dir here holds Chromium's crash and cache files) and new contexts for separate sessions.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--disk-cache-dir=${join(profile, 'cache')}`], headless: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    browser,
    async newContext(options = {}) {
      const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, acceptDownloads: true, locale: 'en-US', timezoneId: 'UTC' });
      const problems: PageProblems = { errors: [] };
      context.on('weberror', (e) => problems.errors.push(`uncaught: ${e.error().message}`));
      context.on('console', (m) => {
        if (m.type() === 'error') problems.errors.push(`console: ${m.text()}`);
      });
      const page = await context.newPage();
      return { context, page, problems };
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page (or of one element) as test/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path, fullPage: false });
}
