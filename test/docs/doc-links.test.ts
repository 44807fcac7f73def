import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { test } from 'node:test';

const REPO = realpathSync(join(import.meta.dirname, '../..'));

/** README.md and every Markdown file under docs/. */
function documents(): string[] {
  const out = ['README.md'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  return out;
}

/** Markdown links and images `[text](target)` outside code blocks and code spans, with their line. */
function links(text: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ target: m[1]!, line: i + 1 });
  });
  return found;
}

/*
 * Issue 9.14: docs/development.md linked ../../shared/ARCHITECTURE.md, outside the repository, so the
 * link was dead in every clone. Documentation links only to what the repository holds.
 */
test('every relative link in README.md and docs/ points at a file in the repository', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const doc of documents()) {
    for (const { target, line } of links(readFileSync(join(REPO, doc), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // a URL or an anchor in the same page
      checked++;
      const path = decodeURIComponent(target.split('#')[0]!);
      const resolved = join(REPO, dirname(doc), path);
      const inside = !relative(REPO, resolved).startsWith(`..${sep}`) && relative(REPO, resolved) !== '..';
      if (!inside) broken.push(`${doc}:${line}: ${target} is outside the repository`);
      else if (!existsSync(resolved)) broken.push(`${doc}:${line}: ${target} does not exist`);
    }
  }
  assert.ok(checked > 20, `links were found (${checked})`);
  assert.deepEqual(broken, []);
});
