// Runs every *.test.ts under src/ and test/ with node's test runner (through tsx).
// Usage: npm test [-- path-filter ...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

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
process.exit(r.status ?? 1);
