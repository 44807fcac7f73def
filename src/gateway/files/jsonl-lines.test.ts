import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonlLines, LineLimitError } from './jsonl-lines.ts';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

async function collect(source: AsyncIterable<Buffer>, maxLineBytes = 1000, maxTotalBytes = 10_000) {
  const out: [number, string][] = [];
  for await (const { n, text } of jsonlLines(source, { maxLineBytes, maxTotalBytes })) out.push([n, text]);
  return out;
}

test('lines split across chunks, multi-byte characters cut in half, CRLF, blank lines and a last line without newline', async () => {
  const euro = Buffer.from('"€"');
  const source = (async function* () {
    yield Buffer.from('{"a":1}\n{"b"');
    yield Buffer.from(':2}\r\n\n');
    yield Buffer.concat([Buffer.from('{"c":'), euro.subarray(0, 2)]);
    yield Buffer.concat([euro.subarray(2), Buffer.from('}\n{"d":4}')]);
  })();
  assert.deepEqual(await collect(source), [
    [1, '{"a":1}'],
    [2, '{"b":2}\r'],
    [4, '{"c":"€"}'],
    [5, '{"d":4}'],
  ]);
});

test('a line longer than the bound, with or without its newline, and a file past its bound are refused with the line number', async () => {
  await assert.rejects(collect(chunks('{"ok":1}\n', 'x'.repeat(50), 'y'.repeat(60), '\n'), 100), (e: unknown) => e instanceof LineLimitError && e.what === 'line' && e.line === 2);
  await assert.rejects(collect(chunks('{"ok":1}\n' + 'z'.repeat(150) + '\n'), 100), (e: unknown) => e instanceof LineLimitError && e.what === 'line' && e.line === 2);
  await assert.rejects(collect(chunks('{"a":1}\n'.repeat(20)), 100, 100), (e: unknown) => e instanceof LineLimitError && e.what === 'file');
});
