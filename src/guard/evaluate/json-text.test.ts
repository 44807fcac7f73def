import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomTexts } from '../../../test/support/random-texts.ts';
import { compilePolicy } from '../policy/compile-policy.ts';
import { DEFAULT_PII_POLICY } from '../policy/default-policy.ts';
import { evaluateOutput } from './evaluate.ts';
import { jsonTextIsClean } from './json-text.ts';

// jsonTextIsClean says a JSON document needs no parse when the output rules find nothing in its whole
// text. It must never say so of a document in one of whose strings a rule does find something: checked
// against the plain way (parse, then every string evaluated on its own) on documents built from pieces
// of cards, keys and what JSON escapes and quoting put around them.
function stringsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) stringsOf(x, stringsOf(k, out));
  return out;
}

test('jsonTextIsClean: never clean when a string of the document holds something the rules act on (3,000 random documents)', () => {
  const policy = compilePolicy({ output: { pii: { credit_card: 'redact', secret: 'redact', email: 'block', iban: 'redact', ssn: 'redact', ip_address: 'redact' } } });
  const pieces = ['4111 1111 1111 1111', '4111', ' 1111', '\n', '\t', '"', '\\', '/', 'sk-', 'proj-', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z', 'AKIAABCDEFGHIJ012345', 'x', ' ', 'a@b.io', '@', '10.0.0.1', 'DE89 3704 0044 0532 0130 00', '536-22-1234', 'aws_secret_access_key=', 'abcdefghij0123456789ABCDEFGHIJ0123456789', '-', 'é'];
  let clean = 0;
  let dirty = 0;
  for (const [i, text] of randomTexts(pieces, 3_000, 8, 13).entries()) {
    const doc = i % 2 === 0 ? { id: 'chatcmpl-1', choices: [{ message: { content: text } }] } : { output: [{ content: [{ text: 'intro' }, { text }] }], note: text.slice(0, 5) };
    const json = JSON.stringify(doc, null, i % 3 === 0 ? 2 : undefined);
    const found = stringsOf(JSON.parse(json)).some((s) => evaluateOutput(policy, s).findings.length > 0);
    if (jsonTextIsClean(policy.output, json)) {
      clean++;
      assert.ok(!found, `said clean, but a string holds a finding: ${json}`);
    } else if (found) dirty++;
  }
  assert.ok(clean > 300 && dirty > 300, `both kinds occur (clean ${clean}, with findings ${dirty})`);
});

test('jsonTextIsClean: not for \\u escapes, custom rules, injection rules, moderation or the phone detector (those need the parsed strings)', () => {
  const pii = compilePolicy(DEFAULT_PII_POLICY);
  assert.equal(jsonTextIsClean(pii.output, '{"a":"plain text"}'), true);
  assert.equal(jsonTextIsClean(pii.output, '{"a":"caf\\u00e9"}'), false);
  for (const output of [
    { custom: [{ name: 'codes', type: 'words', words: ['secret'], action: 'flag' }] },
    { injection: { phrases: 'flag' } },
    { injection: { invisible_characters: 'strip' } },
    { moderation: { violence: { threshold: 0.5, action: 'block' } } },
    { pii: { phone: 'redact' } },
  ]) {
    assert.equal(jsonTextIsClean(compilePolicy({ output }).output, '{"a":"plain text"}'), false, JSON.stringify(output));
  }
});
