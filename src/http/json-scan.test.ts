import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { scanJson, type JsonStructureProblem } from './json-scan.ts';

/** The duplicate key a scan found (depth is not limited here), or undefined. */
function findDuplicateKey(text: string): { key: string; path: string } | undefined {
  const p: JsonStructureProblem | undefined = scanJson(text, Infinity);
  if (p?.problem === 'too_deep') throw new Error('unexpectedly too deep');
  return p ? { key: p.key, path: p.path } : undefined;
}

/** A JSON document as written, where an object may repeat a key (which JSON.parse would hide). */
type Doc = { obj: [string, Doc][] } | { arr: Doc[] } | { leaf: string | number | boolean | null };

/** Writes a Doc as JSON text; `escapeKeys` writes every key character as \uXXXX. */
function write(d: Doc, escapeKeys: boolean): string {
  if ('leaf' in d) return JSON.stringify(d.leaf);
  if ('arr' in d) return `[${d.arr.map((x) => write(x, escapeKeys)).join(',')}]`;
  const key = (k: string) => (escapeKeys ? `"${[...k].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k));
  return `{${d.obj.map(([k, v]) => `${key(k)}:${write(v, escapeKeys)}`).join(',')}}`;
}

/** The obviously correct answer: walk the document in text order, one set of keys per object. */
function reference(d: Doc, path = ''): { key: string; path: string } | undefined {
  if ('arr' in d) {
    for (let i = 0; i < d.arr.length; i++) {
      const found = reference(d.arr[i]!, `${path}[${i}]`);
      if (found) return found;
    }
  } else if ('obj' in d) {
    const seen = new Set<string>();
    for (const [k, v] of d.obj) {
      const at = path === '' ? k : `${path}.${k}`;
      if (seen.has(k)) return { key: k, path: at };
      seen.add(k);
      const found = reference(v, at);
      if (found) return found;
    }
  }
  return undefined;
}

const keyArb = fc.constantFrom('a', 'b', 'model', 'role', 'é', 'q"uote', 'back\\slash', '', ' ', '{', '}', ',', ':', '[');
const leafArb = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\\"', '{"a":1,"a":2}', ''), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const docArb = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb.map((leaf) => ({ leaf })),
    fc.array(fc.tuple(keyArb, tie('doc')), { maxLength: 5 }).map((obj) => ({ obj })),
    fc.array(tie('doc'), { maxLength: 5 }).map((arr) => ({ arr })),
  ),
})).doc;

describe('scanJson', () => {
  test('agrees with a reference walk on any document, keys plain or escaped, with any whitespace', () => {
    fc.assert(
      fc.property(docArb, fc.boolean(), (doc, escapeKeys) => {
        const text = write(doc, escapeKeys);
        JSON.parse(text); // the scanner is only ever given valid JSON
        assert.deepEqual(findDuplicateKey(text), reference(doc));
        const spaced = text.replace(/([{}[\]:,])(?=(?:[^"\\]|\\.|"(?:[^"\\]|\\.)*")*$)/g, ' \n$1\t ');
        JSON.parse(spaced);
        assert.deepEqual(findDuplicateKey(spaced), reference(doc));
      }),
      { numRuns: 2000 },
    );
  });

  test('JSON.stringify output never has a duplicate', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => findDuplicateKey(JSON.stringify(v) ?? 'null') === undefined), { numRuns: 1000 });
  });

  test('objects with many keys switch to a set and still find the repeat', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    assert.equal(findDuplicateKey(JSON.stringify(Object.fromEntries(keys.map((k) => [k, 1])))), undefined);
    const text = `{${keys.map((k) => `"${k}":1`).join(',')},"k17":2}`;
    assert.deepEqual(findDuplicateKey(text), { key: 'k17', path: 'k17' });
  });

  test('arrays with no object after them are skipped whole, brackets and quotes in strings included', () => {
    assert.deepEqual(findDuplicateKey('{"a":[1,[2,"]",["x\\"]",[]]],3],"b":[[]],"a":1}'), { key: 'a', path: 'a' });
    assert.deepEqual(findDuplicateKey('{"input":[[1,2],[3,4]],"model":"x","input":"y"}'), { key: 'input', path: 'input' });
    assert.equal(findDuplicateKey('{"input":[[1,2],[3,4]],"model":"x"}'), undefined);
  });

  test('nesting deeper than the limit is found, in objects, arrays, and skipped arrays', () => {
    const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);
    assert.equal(scanJson(`{"a":${deep(127, '[', ']')}}`), undefined, '128 levels are fine');
    // An array holding no object is measured without being walked: the path names the field that holds it.
    assert.deepEqual(scanJson(`{"a":${deep(128, '[', ']')}}`), { problem: 'too_deep', path: 'a' });
    assert.deepEqual(scanJson(`{"a":${deep(128, '[', ']', '{}')}}`), { problem: 'too_deep', path: 'a' + '[0]'.repeat(127) });
    assert.equal(scanJson(`{"x":{},"a":${deep(127, '[', ']')}}`), undefined);
    assert.equal(scanJson(`{"x":{},"a":${deep(128, '[', ']')}}`)?.problem, 'too_deep', 'an array skipped whole is measured too');
    assert.deepEqual(scanJson(deep(200, '{"k":', '}')), { problem: 'too_deep', path: 'k'.concat('.k'.repeat(127)) });
    assert.deepEqual(scanJson(deep(200, '[', ']')), { problem: 'too_deep', path: 'body' });
  });

  test('names the path of nested duplicates', () => {
    assert.deepEqual(findDuplicateKey('{"messages":[{"role":"a"},{"role":"b","role":"c"}]}'), { key: 'role', path: 'messages[1].role' });
    assert.deepEqual(findDuplicateKey('[[{"x":{"y":1,"y":2}}]]'), { key: 'y', path: '[0][0].x.y' });
  });
});
