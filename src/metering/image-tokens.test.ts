import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import {
  countImageTokens,
  imageCostRuleFor,
  imageSizeFromDataUrl,
  imageTokensForSize,
  readImageSize,
  UNKNOWN_IMAGE_SIZE,
} from './index.ts';

// --- Image builders -------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A complete, valid PNG: 8-bit greyscale, all black. */
function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height); // filter byte 0 + pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/**
 * A baseline JPEG header: SOI, JFIF APP0, a large APP1 (as EXIF metadata
 * would be, pushing the frame header far from the start), DQT, then SOF0.
 */
function jpeg(width: number, height: number, app1Bytes = 6000): Buffer {
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const exif = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.alloc(app1Bytes, 0x20)]);
  const dqt = Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]);
  const sof = Buffer.alloc(15);
  sof[0] = 8; // precision
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  sof[5] = 3; // components
  sof.set([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 6);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    jpegSegment(0xe0, jfif),
    jpegSegment(0xe1, exif),
    jpegSegment(0xdb, dqt),
    jpegSegment(0xc0, sof),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function gif(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b;
}

function riff(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(20);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + 8 + data.length, 4);
  head.write('WEBP', 8, 'latin1');
  head.write(fourcc, 12, 'latin1');
  head.writeUInt32LE(data.length, 16);
  return Buffer.concat([head, data]);
}

function webpLossy(width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data.set([0x9d, 0x01, 0x2a], 3);
  data.writeUInt16LE(width, 6);
  data.writeUInt16LE(height, 8);
  return riff('VP8 ', data);
}

function webpLossless(width: number, height: number): Buffer {
  const w = width - 1;
  const h = height - 1;
  const bits = w | (h << 14); // 14 bits each, little-endian, after the 0x2f signature
  const data = Buffer.alloc(5);
  data[0] = 0x2f;
  data.writeUInt32LE(bits >>> 0, 1);
  return riff('VP8L', data);
}

function webpExtended(width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data.writeUIntLE(width - 1, 4, 3);
  data.writeUIntLE(height - 1, 7, 3);
  return riff('VP8X', data);
}

const dataUrl = (mime: string, bytes: Buffer): string => `data:${mime};base64,${bytes.toString('base64')}`;

// --- Published examples ----------------------------------------------------

test('tile formula reproduces the published gpt-4o examples', () => {
  assert.equal(imageTokensForSize({ width: 512, height: 512 }, 'high', 'gpt-4o'), 255);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'gpt-4o'), 765);
  assert.equal(imageTokensForSize({ width: 2048, height: 4096 }, 'high', 'gpt-4o'), 1105);
  assert.equal(imageTokensForSize({ width: 4096, height: 8192 }, 'low', 'gpt-4o'), 85);
  // "auto" (and a missing detail) is costed as high.
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'auto', 'gpt-4o'), 765);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, undefined, 'gpt-4o'), 765);
  // Small images are not scaled up.
  assert.equal(imageTokensForSize({ width: 100, height: 60 }, 'high', 'gpt-4o'), 255);
  assert.equal(imageTokensForSize({ width: 513, height: 500 }, 'high', 'gpt-4o'), 85 + 2 * 170);
});

test('tile constants per model family', () => {
  assert.equal(imageTokensForSize({ width: 4096, height: 4096 }, 'low', 'gpt-4o-mini'), 2833);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'gpt-4o-mini-2024-07-18'), 2833 + 4 * 5667);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'gpt-4.1'), 765);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'gpt-5'), 70 + 4 * 140);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'low', 'gpt-5-chat-latest'), 70);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'o3'), 75 + 4 * 150);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'o1-2024-12-17'), 75 + 4 * 150);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'computer-use-preview'), 65 + 4 * 129);
  assert.deepEqual(imageCostRuleFor('ft:gpt-4o-mini-2024-07-18:acme::x'), { kind: 'tiles', baseTokens: 2833, tileTokens: 5667 });
  assert.deepEqual(imageCostRuleFor('some-future-model'), { kind: 'tiles', baseTokens: 85, tileTokens: 170 });
});

test('patch formula reproduces the published examples', () => {
  const unit = { kind: 'patches', multiplier: 1 } as const;
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', unit), 1024);
  assert.equal(imageTokensForSize({ width: 1800, height: 2400 }, 'high', unit), 1452);
  assert.equal(imageTokensForSize({ width: 2048, height: 768 }, 'high', unit), 1536);
  assert.equal(imageTokensForSize({ width: 8000, height: 8000 }, 'high', unit) <= 1536, true);
  // Extreme aspect ratios stay within the cap.
  assert.ok(imageTokensForSize({ width: 100_000, height: 10 }, 'high', unit) <= 1536);
});

test('patch multipliers per model; detail does not matter', () => {
  assert.deepEqual(imageCostRuleFor('gpt-4.1-mini'), { kind: 'patches', multiplier: 1.62 });
  assert.deepEqual(imageCostRuleFor('gpt-4.1-nano-2025-04-14'), { kind: 'patches', multiplier: 2.46 });
  assert.deepEqual(imageCostRuleFor('gpt-5-mini'), { kind: 'patches', multiplier: 1.62 });
  assert.deepEqual(imageCostRuleFor('gpt-5-nano'), { kind: 'patches', multiplier: 2.46 });
  assert.deepEqual(imageCostRuleFor('o4-mini'), { kind: 'patches', multiplier: 1.72 });
  // 1000 patches × 1.62 is 1620 exactly (no float creep past the integer).
  assert.equal(imageTokensForSize({ width: 1280, height: 800 }, 'high', 'gpt-4.1-mini'), 1620);
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'high', 'gpt-4.1-mini'), Math.ceil(1024 * 1.62));
  assert.equal(imageTokensForSize({ width: 1024, height: 1024 }, 'low', 'gpt-4.1-mini'), Math.ceil(1024 * 1.62));
  assert.equal(imageTokensForSize({ width: 1800, height: 2400 }, 'high', 'o4-mini'), Math.ceil(1452 * 1.72));
});

test('unknown size is the documented worst case', () => {
  assert.deepEqual({ ...UNKNOWN_IMAGE_SIZE }, { width: 2048, height: 768 });
  assert.equal(imageTokensForSize(undefined, 'high', 'gpt-4o'), 85 + 8 * 170);
  assert.equal(imageTokensForSize({ width: 0, height: Number.NaN }, 'high', 'gpt-4o'), 85 + 8 * 170);
  assert.equal(imageTokensForSize(undefined, 'high', 'gpt-4.1-mini'), Math.ceil(1536 * 1.62));
  // No image costs more than the worst case.
  for (const [w, h] of [[2048, 2048], [4096, 1000], [768, 2048], [3000, 1100], [20_000, 770]] as const) {
    assert.ok(imageTokensForSize({ width: w, height: h }, 'high', 'gpt-4o') <= 85 + 8 * 170, `${w}x${h}`);
  }
  assert.equal(countImageTokens({ url: 'https://example.com/a.png', detail: 'high' }, 'gpt-4o'), 1445);
  assert.equal(countImageTokens({ url: 'https://example.com/a.png', detail: 'low' }, 'gpt-4o'), 85);
  assert.equal(countImageTokens('https://example.com/a.png', 'gpt-4o'), 1445);
});

// --- Reading dimensions ----------------------------------------------------

test('reads PNG dimensions from a real file and its data URL', () => {
  const bytes = png(640, 480);
  assert.deepEqual(readImageSize(bytes), { width: 640, height: 480 });
  assert.deepEqual(imageSizeFromDataUrl(dataUrl('image/png', bytes)), { width: 640, height: 480 });
  // 640×480 at high detail: shortest side 480 ≤ 768, so 2×1 tiles.
  assert.equal(countImageTokens({ url: dataUrl('image/png', bytes), detail: 'high' }, 'gpt-4o'), 85 + 2 * 170);
  assert.equal(countImageTokens({ url: dataUrl('image/png', png(512, 512)), detail: 'high' }, 'gpt-4o'), 255);
});

test('reads JPEG dimensions past large metadata segments', () => {
  const bytes = jpeg(1024, 1024);
  assert.deepEqual(readImageSize(bytes), { width: 1024, height: 1024 });
  assert.deepEqual(imageSizeFromDataUrl(dataUrl('image/jpeg', bytes)), { width: 1024, height: 1024 });
  assert.deepEqual(imageSizeFromDataUrl(dataUrl('image/jpeg', jpeg(3000, 200, 60_000))), { width: 3000, height: 200 });
  assert.equal(countImageTokens({ url: dataUrl('image/jpeg', bytes), detail: 'high' }, 'gpt-4o'), 765);
  assert.equal(countImageTokens({ url: dataUrl('image/jpeg', jpeg(2048, 4096)), detail: 'auto' }, 'gpt-4o'), 1105);
});

test('reads GIF and WebP (lossy, lossless, extended) dimensions', () => {
  assert.deepEqual(readImageSize(gif(320, 200)), { width: 320, height: 200 });
  assert.deepEqual(readImageSize(webpLossy(800, 600)), { width: 800, height: 600 });
  assert.deepEqual(readImageSize(webpLossless(1000, 3000)), { width: 1000, height: 3000 });
  assert.deepEqual(readImageSize(webpExtended(4000, 2000)), { width: 4000, height: 2000 });
  assert.deepEqual(imageSizeFromDataUrl(dataUrl('image/webp', webpLossless(16383, 1))), { width: 16383, height: 1 });
  // The declared type is not trusted: bytes decide.
  assert.deepEqual(imageSizeFromDataUrl(dataUrl('image/png', gif(10, 20))), { width: 10, height: 20 });
});

test('unreadable data URLs fall back to the worst case without throwing', () => {
  const worst = 85 + 8 * 170;
  const cases = [
    'data:image/png;base64,',
    'data:image/png;base64,AAAA',
    'data:image/png;base64,!!!!not base64!!!!',
    'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>',
    'data:image/png;base64',
    dataUrl('image/png', png(64, 64).subarray(0, 20)), // truncated header
    dataUrl('image/jpeg', jpeg(64, 64).subarray(0, 300)), // cut before the frame header
    dataUrl('image/png', Buffer.from('just some text, not an image')),
  ];
  for (const url of cases) {
    assert.equal(imageSizeFromDataUrl(url), undefined, url.slice(0, 40));
    assert.equal(countImageTokens({ url, detail: 'high' }, 'gpt-4o'), worst, url.slice(0, 40));
  }
  assert.equal(countImageTokens({ url: 42, detail: 9 }, 'gpt-4o'), worst);
  assert.equal(readImageSize(new Uint8Array(0)), undefined);
});

test('dimension reading decodes only a prefix of large data URLs', () => {
  // A 12 MB base64 payload whose header says 1024×1024: answering must not decode it all.
  const bytes = png(1024, 1024);
  const url = dataUrl('image/png', bytes) + 'A'.repeat(12 * 1024 * 1024);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) imageSizeFromDataUrl(url);
  assert.ok(performance.now() - started < 1000);
  assert.deepEqual(imageSizeFromDataUrl(url), { width: 1024, height: 1024 });
});
