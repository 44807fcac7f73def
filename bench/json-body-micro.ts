// Cost of the structure scan of JSON bodies (duplicate keys, depth: src/http/json-scan.ts) next to JSON.parse,
// on 1 MB bodies of four shapes. Run: node --import tsx bench/json-body-micro.ts
import { scanJson } from '../src/http/json-scan.ts';

const MB = 1024 * 1024;
const word = 'toll gate road lorry fare barrier queue ';

function oneLongMessage(): string {
  return JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: word.repeat(Math.ceil(MB / word.length)).slice(0, MB) }] });
}
function manyMessages(): string {
  const content = word.repeat(12);
  const messages = Array.from({ length: Math.ceil(MB / (content.length + 40)) }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content }));
  return JSON.stringify({ model: 'gpt-4o-mini', messages });
}
function tokenArrays(): string {
  const row = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 100_000);
  return JSON.stringify({ model: 'text-embedding-3-small', input: Array.from({ length: Math.ceil(MB / JSON.stringify(row).length) }, () => row) });
}
function manySmallObjects(): string {
  const tool = (i: number) => ({ type: 'function', function: { name: `tool_${i}`, description: 'Looks up a fare.', parameters: { type: 'object', properties: { plate: { type: 'string' }, axles: { type: 'integer' } }, required: ['plate'] } } });
  return JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], tools: Array.from({ length: Math.ceil(MB / 230) }, (_, i) => tool(i)) });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(fn: () => unknown, runs = 60): number {
  for (let i = 0; i < 10; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

console.log('| 1 MB body | JSON.parse ms | duplicate scan ms | scan / parse |');
console.log('|---|---|---|---|');
for (const [name, make] of [['one 1 MB message', oneLongMessage], ['~2,000 messages', manyMessages], ['token arrays (numbers)', tokenArrays], ['~4,500 tool definitions', manySmallObjects]] as const) {
  const text = make();
  if (scanJson(text) !== undefined) throw new Error(`${name}: unexpected duplicate`);
  const parse = measure(() => JSON.parse(text));
  const scan = measure(() => scanJson(text));
  console.log(`| ${name} (${(text.length / MB).toFixed(2)} MB) | ${parse.toFixed(2)} | ${scan.toFixed(2)} | ${(scan / parse).toFixed(2)} |`);
}
