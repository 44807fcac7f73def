import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomTexts } from '../../../test/support/random-texts.ts';
import type { Finding } from './finding.ts';
import { emailDetector } from './email-detector.ts';

// The detector jumps from `@` to `@`; this is the plain global pattern it must agree with (tried at
// every position, with a look-behind): slow on long text, but obviously what an address is.
const REFERENCE = /(?<![\p{L}\p{N}_.%+-])[\p{L}\p{N}](?:[\p{L}\p{N}._%+-]{0,62}[\p{L}\p{N}_%+-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}(\p{L}{2,24})(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/gu;
const IMAGES = /^(png|jpg|jpeg|gif|svg|webp|bmp|ico|tif|tiff|avif)$/i;

function reference(text: string): [number, number][] {
  return [...text.matchAll(REFERENCE)].filter((m) => !IMAGES.test(m[1]!)).map((m) => [m.index, m.index + m[0].length]);
}

function scanned(text: string): [number, number][] {
  const out: Finding[] = [];
  emailDetector.scan(text, out);
  return out.map((f) => [f.start, f.end]);
}

test('email: the same addresses as the plain pattern on edge cases (start of text, long local parts, neighbours, images, other scripts)', () => {
  const cases = [
    '@', 'a@', '@b.io', 'a@b.io', 'x a@b.io y', 'a@b.io,c@d.io', 'a@b.io@c.io', 'a@b.ioc@d.io', 'a.@b.io', '.a@b.io',
    `${'a'.repeat(64)}@b.io`, `${'a'.repeat(65)}@b.io`, `${'a'.repeat(200)}@b.io c@d.io`, `x ${'a'.repeat(64)}@b.io`,
    'icon@2x.png and me@host.org', 'jürgen@beispiel.de', '用户@例子.广告', '𝐀𝐁@b.io', `${'𝐀'.repeat(40)}@b.io`,
    'mail me at a@b.c or a@b.co.', 'a@b.io.', 'a@b.io.x', 'a@-b.io', 'a@b-.io', 'a@@b.io', 'a+tag@sub.b.io', 'a%b@b.io',
  ];
  for (const text of cases) assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
});

test('email: the same addresses as the plain pattern on 3,000 random strings of address-like pieces', () => {
  const pieces = ['a', 'b1', '.', '@', '-', '_', '+', ' ', 'é', '𝐀', 'io', 'co', 'x.com', '@b.io', '\n', '%', 'png'];
  for (const text of randomTexts(pieces, 3_000, 40, 7)) assert.deepEqual(scanned(text), reference(text), JSON.stringify(text));
});
