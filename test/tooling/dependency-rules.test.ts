import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { cruise, type IConfiguration, type ICruiseResult, type IViolation } from 'dependency-cruiser';

/** The repository's rules, as `npx depcruise src` reads them (a plain .mjs file, so loaded by URL). */
const config = ((await import(new URL('../../.dependency-cruiser.mjs', import.meta.url).href)) as { default: IConfiguration }).default;

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = resolve(import.meta.dirname, 'fixtures/dependency-rules');

/** Runs dependency-cruiser with the repository's rules over `src/` of `baseDir`; returns the violations. */
async function violations(baseDir: string): Promise<IViolation[]> {
  const { output } = await cruise(['src'], {
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  });
  return (output as ICruiseResult).summary.violations;
}

const describe = (v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}`;

test('the source follows the dependency rules (docs/development.md, "Dependencies point one way")', async () => {
  const found = await violations(ROOT);
  assert.deepEqual(found.map(describe), [], 'fix the import (through the module\'s index.ts, or move the shared piece to the core) rather than the rule');
});

test('the dependency rules catch each kind of violation (a fixture tree that breaks them on purpose)', async () => {
  const found = (await violations(FIXTURE)).map(describe).sort();
  assert.deepEqual(found, [
    'cli-imports-published-or-own-files: src/cli/keys-command.ts → src/state/store.ts',
    'core-knows-no-composition-root: src/metering/reaches-root.ts → src/app.ts',
    'core-knows-no-feature: src/http/server.ts → src/access/index.ts',
    'core-knows-no-feature: src/state/counters.ts → src/metering/index.ts',
    'import-through-index: src/gateway/handler.ts → src/access/principal.ts',
    'root-imports-through-index: src/app.ts → src/access/principal.ts',
    'simulator-counts-its-own-tokens: src/upstream/simulator/usage.ts → src/metering/index.ts',
  ]);
});
