import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomTexts } from '../../../test/support/random-texts.ts';
import type { Finding } from './finding.ts';
import { SECRET_FORMATS, secretDetector } from './secret-detector.ts';

// The detector jumps to each format's prefix; the reference runs every format's pattern over the
// whole text, as a global search, with the same checks: the two must find the same secrets.
function reference(text: string): string[] {
  const found: string[] = [];
  for (const [name, f] of Object.entries(SECRET_FORMATS) as [string, { re: RegExp; notAfter?: RegExp; accept?: (m: RegExpExecArray) => boolean; group?: number }][]) {
    const re = new RegExp(f.re.source, `${f.re.flags.replace(/[gy]/g, '')}g`);
    for (const m of text.matchAll(re)) {
      if (f.notAfter && m.index > 0 && f.notAfter.test(text[m.index - 1]!)) continue;
      if (f.accept && !f.accept(m as RegExpExecArray)) continue;
      const [start, end] = f.group !== undefined ? m.indices![f.group]! : [m.index, m.index + m[0].length];
      found.push(`${name === 'github_pat' ? 'github_token' : name}:${start}-${end}`);
    }
  }
  return found.sort();
}

function scanned(text: string): string[] {
  const out: Finding[] = [];
  secretDetector.scan(text, out);
  return out.map((f) => `${f.kind}:${f.start}-${f.end}`).sort();
}

const TOKEN = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z6';
const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.${TOKEN.slice(0, 30)}`;

test('secret: the same findings as every format searched over the whole text (edge cases)', () => {
  const cases = [
    `sk-${TOKEN}`, `xsk-${TOKEN}`, `sk-proj-${TOKEN}`, `ask-${TOKEN} sk-${TOKEN}`, `sk-${TOKEN}sk-${TOKEN}`, `tg-${TOKEN.slice(0, 20)}`,
    `AKIA${'ABCDEFGHIJ012345'}`, `AKIAKIA${'ABCDEFGHIJ012345'}`, `xAKIA${'ABCDEFGHIJ012345'}`, `AIza${TOKEN.slice(0, 35)}`,
    `aws_secret_access_key = "${'a'.repeat(20)}/${'B'.repeat(19)}"`, `AWSSECRETACCESSKEY:${'x'.repeat(40)}`,
    `ghp_${TOKEN.slice(0, 36)}`, `xghp_${TOKEN.slice(0, 36)}`, `github_pat_${'A1_'.repeat(27)}B`, `sk_live_${TOKEN.slice(0, 24)}`, `rk_test_${TOKEN.slice(0, 16)}`,
    `xoxb-123-456-${TOKEN.slice(0, 20)}`, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----\nabc', 'sk-----BEGIN PRIVATE KEY-----',
    jwt, `x${jwt}`, '---', '-', '_', '', 'sk-', 'gh_', 'follow-up on the sk-learn-pipeline-example and my_var_name',
  ];
  for (const text of cases) assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
});

test('secret: the same findings as every format searched over the whole text (4,000 random strings of key-like pieces)', () => {
  const pieces = ['sk-', 'tg-', 'proj-', 'AKIA', 'ASIA', 'AIza', 'KIA', 'ghp_', 'gho_', 'github_pat_', 'sk_live_', 'rk_test_', 'xoxb-', 'xox', '-----BEGIN ', 'RSA ', 'PRIVATE KEY-----', '-----END PRIVATE KEY-----', 'eyJ', '.', '-', '_', ' ', '\n', 'a', 'Z9', TOKEN.slice(0, 8), TOKEN.slice(8, 24), TOKEN, 'ABCDEFGH01234567', 'aws_secret_access_key=', '"', jwt];
  for (const text of randomTexts(pieces, 4_000, 14, 11)) assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
});
