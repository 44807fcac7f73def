import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';

const REPO = join(import.meta.dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(REPO, file), 'utf8')) as Record<string, unknown>;

/*
 * Issue 9.8: `npm ci` warned EBADENGINE for cookie@2.0.2 (node >= 22) while Tollgate says it runs
 * on Node 20. Every locked package must accept the oldest Node that package.json allows and the Node
 * running the tests, so a fresh install prints no engine warning on either.
 */
test('every package in the lockfile supports the Node versions Tollgate declares', () => {
  const declared = (read('package.json').engines as { node: string }).node;
  const lock = read('package-lock.json') as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
  assert.equal((lock.packages['']!.engines as { node?: string }).node, declared, 'package-lock.json is in step with package.json');
  const oldest = semver.minVersion(declared)!.version;
  const nodes = [oldest, process.versions.node];
  assert.ok(semver.satisfies(process.versions.node, declared), `the tests run on Node ${process.versions.node}, outside the declared ${declared}`);

  const refused: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '') continue;
    // Old packages sometimes give engines as an array of strings; npm ignores those.
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (range === undefined) continue;
    for (const node of nodes) {
      if (!semver.satisfies(node, range)) refused.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}, not ${node}`);
    }
  }
  assert.deepEqual(refused, []);
});
