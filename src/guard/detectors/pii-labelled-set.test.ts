import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DETECTOR_IDS } from './finding.ts';
import { builtInDetectors, scanText } from './pii-scan.ts';

interface Labelled {
  text: string;
  expect: { detector: string; value: string }[];
  note?: string;
}

const SET = JSON.parse(readFileSync(new URL('./pii-labelled-set.json', import.meta.url), 'utf8')) as Labelled[];

test('the PII detectors on the labelled set: precision and recall at least 0.95 per detector and overall', () => {
  assert.ok(SET.length >= 100, 'at least 100 labelled snippets');
  assert.ok(SET.filter((s) => s.expect.length === 0).length >= 40, 'look-alike negatives are part of the set');
  const detectors = Object.values(builtInDetectors());
  const tally = new Map<string, { tp: number; fp: number; fn: number }>(DETECTOR_IDS.map((d) => [d, { tp: 0, fp: 0, fn: 0 }]));
  const mistakes: string[] = [];
  for (const s of SET) {
    const found = scanText(s.text, detectors).map((f) => ({ detector: f.detector, value: s.text.slice(f.start, f.end) }));
    const missing = [...s.expect];
    for (const f of found) {
      const i = missing.findIndex((e) => e.detector === f.detector && e.value === f.value);
      if (i >= 0) {
        tally.get(f.detector)!.tp++;
        missing.splice(i, 1);
      } else {
        tally.get(f.detector)!.fp++;
        mistakes.push(`false positive ${f.detector} ${JSON.stringify(f.value)} in ${JSON.stringify(s.text)}`);
      }
    }
    for (const m of missing) {
      tally.get(m.detector)!.fn++;
      mistakes.push(`missed ${m.detector} ${JSON.stringify(m.value)} in ${JSON.stringify(s.text)}`);
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  const rows: string[] = ['detector       tp  fp  fn  precision  recall'];
  const all = { tp: 0, fp: 0, fn: 0 };
  const scores: [string, number, number][] = [];
  for (const [d, t] of tally) {
    all.tp += t.tp;
    all.fp += t.fp;
    all.fn += t.fn;
    scores.push([d, ratio(t.tp, t.tp + t.fp), ratio(t.tp, t.tp + t.fn)]);
    rows.push(`${d.padEnd(13)} ${String(t.tp).padStart(3)} ${String(t.fp).padStart(3)} ${String(t.fn).padStart(3)}  ${ratio(t.tp, t.tp + t.fp).toFixed(3).padStart(9)}  ${ratio(t.tp, t.tp + t.fn).toFixed(3).padStart(6)}`);
  }
  scores.push(['overall', ratio(all.tp, all.tp + all.fp), ratio(all.tp, all.tp + all.fn)]);
  rows.push(`${'overall'.padEnd(13)} ${String(all.tp).padStart(3)} ${String(all.fp).padStart(3)} ${String(all.fn).padStart(3)}  ${ratio(all.tp, all.tp + all.fp).toFixed(3).padStart(9)}  ${ratio(all.tp, all.tp + all.fn).toFixed(3).padStart(6)}`);
  console.log(`PII labelled set: ${SET.length} snippets\n${rows.join('\n')}${mistakes.length ? `\n${mistakes.join('\n')}` : ''}`);
  for (const [d, p, r] of scores) {
    assert.ok(p >= 0.95, `${d}: precision ${p.toFixed(3)} below 0.95`);
    assert.ok(r >= 0.95, `${d}: recall ${r.toFixed(3)} below 0.95`);
    assert.ok(tally.get(d) === undefined || tally.get(d)!.tp >= 8, `${d}: too few positives in the set to measure`);
  }
});
