import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, SETTINGS } from './index.ts';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'tollgate.example.yaml');

test('tollgate.example.yaml loads, and what it sets is exactly the defaults', () => {
  assert.deepEqual(loadConfig({ TOLLGATE_CONFIG: EXAMPLE }), loadConfig({}, { findFile: false }));
});

test('tollgate.example.yaml shows every setting, with its variable on the same line', () => {
  const lines = readFileSync(EXAMPLE, 'utf8').split('\n');
  for (const s of SETTINGS) {
    const key = s.path.at(-1)!;
    const line = lines.find((l) => new RegExp(`^\\s*(# )?${key}:`).test(l) && l.includes(s.meta.env));
    assert.ok(line, `${s.name} (${s.meta.env}) is in the example`);
  }
});

test('docs/configuration.md describes every setting and its variable', () => {
  const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  for (const s of SETTINGS) {
    assert.ok(doc.includes(`\`${s.name}\``), `${s.name} is documented`);
    assert.ok(doc.includes(`\`${s.meta.env}\``), `${s.meta.env} is documented`);
  }
});

test('the complete file in docs/configuration.md is tollgate.example.yaml', () => {
  const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  const block = /## A complete file\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.equal(block, readFileSync(EXAMPLE, 'utf8'));
});
