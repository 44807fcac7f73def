// The dependency rules of docs/development.md ("Dependencies point one way"), checked by
// test/tooling/dependency-rules.test.ts on every `npm test` (and by `npx depcruise src` by hand).
// Modules are the folders under src/; a file outside every folder (src/app.ts) is the composition root.

/** Feature modules: they may use the shared core, never the other way round. */
const FEATURES = 'access|gateway|metering|workspace|traffic|compliance|guard|upstream|insight|workflows|cli';
/** The shared core every feature builds on. */
const CORE = 'http|state|errors|config|money';
/** A module's public face: its index.ts, or the index.ts of one of its parts. */
const PUBLIC_FACE = ['^src/[^/]+/index\\.ts$', '^src/[^/]+/[^/]+/index\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'core-knows-no-feature',
      comment: 'http/, state/, errors/, config/ and money/ are the shared core: they never import a feature module.',
      severity: 'error',
      from: { path: `^src/(?:${CORE})/` },
      to: { path: `^src/(?:${FEATURES})/` },
    },
    {
      name: 'core-knows-no-composition-root',
      comment: 'Only the CLI (and tests) start the composition root (src/app.ts); no module reaches back into it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app\\.ts$', '^src/cli/', '\\.test\\.ts$'] },
      to: { path: '^src/app\\.ts$' },
    },
    {
      name: 'simulator-counts-its-own-tokens',
      comment: 'The simulator stands in for OpenAI: it counts tokens itself, so a tokenizer error in metering or the gateway shows up as a mismatch instead of agreeing with itself.',
      severity: 'error',
      from: { path: '^src/upstream/simulator/' },
      to: { path: '^src/(?:gateway|metering)/' },
    },
    {
      name: 'import-through-index',
      comment:
        "Another module is used through an index.ts: its own (src/<module>/index.ts) or a sub-module's (src/<module>/<part>/index.ts, e.g. http/outbound, state/redis, compliance/audit), never through a file that is not an index. A module's own files and tests use its internals freely.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/cli/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', ...PUBLIC_FACE] },
    },
    {
      name: 'root-imports-through-index',
      comment:
        'The composition root (src/app.ts and the route wiring beside it) uses modules through their index.ts too; it alone may take the parts of http/ that build the server, which stay out of http/index.ts so that importing an http error helper does not load Fastify.',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/[^/]+/', pathNot: [...PUBLIC_FACE, '^src/http/(?:server|system-routes|transport|openapi/document)\\.ts$'] },
    },
    {
      name: 'cli-imports-published-or-own-files',
      comment:
        "The CLI loads only what one command needs (access/index.ts would load every access route, SSO and mail: `tollgate keys list` went from 81 to 205 files), so it may import another module's files directly; still never the shared core's internals beyond their faces, nor tests.",
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: `^src/(?:${CORE})/`, pathNot: PUBLIC_FACE },
    },
    {
      name: 'src-knows-no-test',
      comment: 'Test support lives under test/; no production file in src/ imports from it (tests beside the code may).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', '-test-fixture\\.ts$'] },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
