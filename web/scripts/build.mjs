// Builds the web app into web/dist: the API types from the server's route declarations, the Vite
// build, .br and .gz twins of every text asset (served by @fastify/static's preCompressed), and a
// report of what the first load costs (dist/build-report.json, printed).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

const web = fileURLToPath(new URL('..', import.meta.url));
const dist = join(web, 'dist');
const started = Date.now();

const gen = spawnSync(process.execPath, ['--import', 'tsx', join(web, '..', 'scripts', 'generate-web-api-types.ts')], { cwd: web, stdio: 'inherit' });
if (gen.status !== 0) process.exit(gen.status ?? 1);

await build({ root: web, logLevel: 'warn' });

const assets = join(dist, 'assets');
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg|json|txt|map)$/.test(name)) continue;
  const body = readFileSync(join(assets, name));
  if (body.length < 1024) continue;
  writeFileSync(join(assets, `${name}.gz`), gzipSync(body, { level: 9 }));
  writeFileSync(join(assets, `${name}.br`), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
}

// The first load: the entry script, what index.html preloads, and the stylesheet.
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const gz = (f) => gzipSync(readFileSync(join(assets, f)), { level: 9 }).length;
const js = files.filter((f) => f.endsWith('.js'));
const css = files.filter((f) => f.endsWith('.css'));
const report = {
  built_at: new Date().toISOString(),
  seconds: (Date.now() - started) / 1000,
  first_load: {
    files,
    js_gzip_bytes: js.reduce((n, f) => n + gz(f), 0),
    css_gzip_bytes: css.reduce((n, f) => n + gz(f), 0),
  },
  chunks: readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: f, gzip_bytes: gz(f) }))
    .sort((a, b) => b.gzip_bytes - a.gzip_bytes),
};
writeFileSync(join(dist, 'build-report.json'), `${JSON.stringify(report, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `web app built in ${report.seconds.toFixed(1)} s: first load ${kb(report.first_load.js_gzip_bytes)} JS + ${kb(report.first_load.css_gzip_bytes)} CSS gzipped (budget: 250 KB JS)`,
);
