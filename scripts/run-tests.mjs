// Runs every *.test.ts under src/ and test/ with node's test runner (through tsx).
// Usage: npm test [-- path-filter ...]
// Ends with a line saying which stores were tested and one saying whether the OpenAPI checks ran.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { register } from 'tsx/esm/api';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ['src', 'test'].flatMap((d) => find(d)).sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
if (files.some((f) => f.includes(`test${sep}e2e${sep}`))) ensureWebBuild();

/** The e2e tests drive the built app: build it when it is missing or older than its sources. */
function ensureWebBuild() {
  const built = 'web/dist/index.html';
  const newest = (p) => (statSync(p).isDirectory() ? Math.max(0, ...readdirSync(p).map((n) => newest(join(p, n)))) : statSync(p).mtimeMs);
  const stale = !existsSync(built) || ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/package.json'].some((p) => newest(p) > statSync(built).mtimeMs);
  if (!stale) return;
  console.error('building the web app for the e2e tests (npm run build:web)…');
  const b = spawnSync('npm', ['run', '-s', 'build:web'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
console.log(`\n${storesLine(process.env.TOLLGATE_TEST_DATABASE_URL)}\n${await openApiLine()}`);
process.exit(r.status ?? 1);

/** Which stores the store tests ran on; PostgreSQL named by host and port only (never the password). */
function storesLine(pgUrl) {
  if (!pgUrl) return 'Stores tested: SQLite only (set TOLLGATE_TEST_DATABASE_URL=postgres://… to run the PostgreSQL variants too; see docs/development.md)';
  try {
    const u = new URL(pgUrl);
    return `Stores tested: SQLite and PostgreSQL at ${u.hostname}:${u.port || 5432}`;
  } catch {
    return 'Stores tested: SQLite and PostgreSQL (TOLLGATE_TEST_DATABASE_URL is not a URL)';
  }
}

/** Whether the OpenAPI conformance checks had OpenAI's description, from the resolver the tests use. */
async function openApiLine() {
  register();
  const { isCi, openApiSpecStatus } = await import('../src/upstream/simulator/openapi-spec.ts');
  const status = openApiSpecStatus();
  if (status.found) return `OpenAPI conformance checks: against ${status.path}`;
  return `OpenAPI conformance checks: ${isCi() ? 'failed, the description is missing (CI=true)' : 'skipped'}. ${status.help}`;
}
