/**
 * Token cost of image inputs, per OpenAI's published rules ("Images and
 * vision" guide, section "Calculating costs").
 *
 * Two rules exist:
 *
 * - **Tiles** (gpt-4o, gpt-4.1, gpt-4.5, gpt-4o-mini, gpt-5, o1/o3,
 *   computer-use-preview): `detail: "low"` costs a fixed base; otherwise the
 *   image is scaled to fit 2048×2048, then scaled so its shortest side is at
 *   most 768px, and every 512px tile costs a fixed amount on top of the base.
 * - **Patches** (gpt-4.1-mini, gpt-4.1-nano, gpt-5-mini, gpt-5-nano, o4-mini):
 *   the image is covered by 32px patches, scaled down when more than 1536
 *   would be needed, the patch count is capped at 1536 and multiplied by a
 *   per-model factor. `detail` does not change the cost.
 *
 * Dimensions are read from the header of `data:` URLs (PNG, JPEG, GIF, WebP);
 * for remote URLs and file ids they are unknown and {@link UNKNOWN_IMAGE_SIZE}
 * (the most expensive size under both rules) is assumed.
 *
 * This module has no dependencies so the tokenizer can import it.
 */

/** How a model turns an image into tokens. */
export type ImageCostRule =
  | { readonly kind: 'tiles'; readonly baseTokens: number; readonly tileTokens: number }
  | { readonly kind: 'patches'; readonly multiplier: number };

/** Pixel dimensions of an image. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Size assumed when the real one is unknown (remote URL, file id, unreadable
 * data). 2048×768 is the worst case of both rules: 8 tiles after scaling
 * (no image costs more tiles: the short side ends at ≤768px, the long side at
 * ≤2048px), and exactly the 1536-patch cap.
 */
export const UNKNOWN_IMAGE_SIZE: Readonly<ImageSize> = Object.freeze({ width: 2048, height: 768 });

// Published constants ("Calculating costs" tables).
const TILES_4O: ImageCostRule = { kind: 'tiles', baseTokens: 85, tileTokens: 170 };
const TILES_4O_MINI: ImageCostRule = { kind: 'tiles', baseTokens: 2833, tileTokens: 5667 };
const TILES_GPT5: ImageCostRule = { kind: 'tiles', baseTokens: 70, tileTokens: 140 };
const TILES_O_SERIES: ImageCostRule = { kind: 'tiles', baseTokens: 75, tileTokens: 150 };
const TILES_COMPUTER_USE: ImageCostRule = { kind: 'tiles', baseTokens: 65, tileTokens: 129 };
const PATCHES_MINI: ImageCostRule = { kind: 'patches', multiplier: 1.62 };
const PATCHES_NANO: ImageCostRule = { kind: 'patches', multiplier: 2.46 };
const PATCHES_O4_MINI: ImageCostRule = { kind: 'patches', multiplier: 1.72 };

const MAX_FIT = 2048;
const SHORT_SIDE = 768;
const TILE = 512;
const PATCH = 32;
const MAX_PATCHES = 1536;

/** Lowercases, unwraps fine-tune ids ("ft:gpt-4o:org::x") and drops a provider prefix ("openai/"). */
function imageModelName(model: string): string {
  let name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) {
    const end = name.indexOf(':', 3);
    name = end === -1 ? name.slice(3) : name.slice(3, end);
  }
  const slash = name.lastIndexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}

/**
 * The image cost rule of a model. Unknown models (and gpt-4-turbo, gpt-4.5,
 * chatgpt-4o) get the gpt-4o tiles (85 + 170 per tile).
 */
export function imageCostRuleFor(model: string): ImageCostRule {
  const name = imageModelName(model);
  if (name.startsWith('gpt-4o-mini')) return TILES_4O_MINI;
  if (name.startsWith('gpt-4.1') || name.startsWith('gpt-5')) {
    if (name.includes('-nano')) return PATCHES_NANO;
    if (name.includes('-mini')) return PATCHES_MINI;
    return name.startsWith('gpt-5') ? TILES_GPT5 : TILES_4O;
  }
  if (name.startsWith('o4-mini')) return PATCHES_O4_MINI;
  if (/^o\d/.test(name)) return TILES_O_SERIES;
  if (name.startsWith('computer-use')) return TILES_COMPUTER_USE;
  return TILES_4O;
}

function validSize(size: ImageSize | undefined): ImageSize {
  if (
    size !== undefined &&
    Number.isFinite(size.width) && Number.isFinite(size.height) &&
    size.width >= 1 && size.height >= 1
  ) {
    return size;
  }
  return UNKNOWN_IMAGE_SIZE;
}

function tileTokens(size: ImageSize, detail: string | undefined, baseTokens: number, perTile: number): number {
  if (detail === 'low') return baseTokens;
  let { width, height } = size;
  const longest = Math.max(width, height);
  if (longest > MAX_FIT) {
    const scale = MAX_FIT / longest;
    width = Math.max(1, Math.floor(width * scale));
    height = Math.max(1, Math.floor(height * scale));
  }
  const shortest = Math.min(width, height);
  if (shortest > SHORT_SIDE) {
    const scale = SHORT_SIDE / shortest;
    width = Math.max(1, Math.floor(width * scale));
    height = Math.max(1, Math.floor(height * scale));
  }
  return baseTokens + Math.ceil(width / TILE) * Math.ceil(height / TILE) * perTile;
}

// Scaled sizes are exact multiples of the patch in theory; absorb float error.
const ceilPatches = (length: number): number => Math.ceil(length / PATCH - 1e-9);

/** Patch count (before the model multiplier) of an image, per the published algorithm. */
function patchCount(size: ImageSize): number {
  const { width, height } = size;
  const raw = Math.ceil(width / PATCH) * Math.ceil(height / PATCH);
  if (raw <= MAX_PATCHES) return raw;
  let ratio = Math.sqrt((PATCH * PATCH * MAX_PATCHES) / (width * height));
  const across = (width * ratio) / PATCH;
  const down = (height * ratio) / PATCH;
  ratio *= Math.min(Math.floor(across) / across, Math.floor(down) / down);
  const scaled = ceilPatches(width * ratio) * ceilPatches(height * ratio);
  // Extreme aspect ratios round one side to zero patches; fall back to the cap.
  return scaled >= 1 ? Math.min(scaled, MAX_PATCHES) : MAX_PATCHES;
}

/**
 * Tokens for one image of `size` under `rule` (or a model id). `detail` is
 * "low", "high" or "auto"; anything but "low" is costed as "high" (what
 * "auto" resolves to for any image larger than a single tile, and the safe
 * upper bound otherwise). An unknown or invalid size counts as
 * {@link UNKNOWN_IMAGE_SIZE}. Patch multipliers are applied with rounding up.
 */
export function imageTokensForSize(
  size: ImageSize | undefined,
  detail: string | undefined,
  rule: ImageCostRule | string,
): number {
  const resolved = typeof rule === 'string' ? imageCostRuleFor(rule) : rule;
  if (resolved.kind === 'tiles') {
    // Low detail needs no dimensions at all.
    if (detail === 'low') return resolved.baseTokens;
    return tileTokens(validSize(size), detail, resolved.baseTokens, resolved.tileTokens);
  }
  return Math.ceil(patchCount(validSize(size)) * resolved.multiplier - 1e-9);
}

// ---------------------------------------------------------------------------
// Reading dimensions from image headers.

type Probe = ImageSize | 'more' | undefined;

const u16be = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u16le = (b: Uint8Array, i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, i: number): number => u16be(b, i) * 0x10000 + u16be(b, i + 2);

function startsWithAscii(b: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (b[at + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function probePng(b: Uint8Array): Probe {
  if (b.length < 24) return 'more';
  if (!startsWithAscii(b, 12, 'IHDR')) return undefined;
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

function probeGif(b: Uint8Array): Probe {
  if (b.length < 10) return 'more';
  return { width: u16le(b, 6), height: u16le(b, 8) };
}

function probeWebp(b: Uint8Array): Probe {
  if (b.length < 16) return 'more';
  if (startsWithAscii(b, 12, 'VP8 ')) {
    // Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit sizes.
    if (b.length < 30) return 'more';
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (startsWithAscii(b, 12, 'VP8L')) {
    // Lossless: signature 0x2f, then width-1 and height-1 as 14-bit fields.
    if (b.length < 25) return 'more';
    if (b[20] !== 0x2f) return undefined;
    const b1 = b[21] ?? 0, b2 = b[22] ?? 0, b3 = b[23] ?? 0, b4 = b[24] ?? 0;
    return {
      width: 1 + (((b2 & 0x3f) << 8) | b1),
      height: 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6)),
    };
  }
  if (startsWithAscii(b, 12, 'VP8X')) {
    // Extended: 24-bit canvas width-1 and height-1.
    if (b.length < 30) return 'more';
    return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
  }
  return undefined;
}

function isJpegFrameMarker(marker: number): boolean {
  // SOF0–SOF15, except DHT (c4), JPG (c8) and DAC (cc).
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function probeJpeg(b: Uint8Array): Probe {
  let i = 2;
  for (;;) {
    if (i + 1 >= b.length) return 'more';
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) { i += 1; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { i += 2; continue; } // standalone markers
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / scan before any frame header
    if (i + 4 > b.length) return 'more';
    const length = u16be(b, i + 2);
    if (length < 2) return undefined;
    if (isJpegFrameMarker(marker)) {
      if (i + 9 > b.length) return 'more';
      return { width: u16be(b, i + 7), height: u16be(b, i + 5) };
    }
    i += 2 + length;
  }
}

function probe(b: Uint8Array): Probe {
  if (b.length < 4) return 'more';
  if (PNG_SIGNATURE.every((v, i) => i >= b.length || b[i] === v)) {
    return b.length < PNG_SIGNATURE.length ? 'more' : probePng(b);
  }
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return probeJpeg(b);
  if (startsWithAscii(b, 0, 'GIF8')) return probeGif(b);
  if (startsWithAscii(b, 0, 'RIFF')) {
    if (b.length < 12) return 'more';
    return startsWithAscii(b, 8, 'WEBP') ? probeWebp(b) : undefined;
  }
  return undefined;
}

function plausible(size: ImageSize | undefined): ImageSize | undefined {
  return size !== undefined && size.width > 0 && size.height > 0 ? size : undefined;
}

/**
 * Width and height from the header of a PNG, JPEG, GIF or WebP file, or
 * `undefined` when the bytes are not one of those (or are cut short).
 */
export function readImageSize(bytes: Uint8Array): ImageSize | undefined {
  const result = probe(bytes);
  return result === 'more' ? undefined : plausible(result);
}

/**
 * Dimensions of the image in a base64 `data:` URL. Only as much of the
 * payload is decoded as the header needs: a few dozen bytes for PNG, GIF and
 * WebP; for JPEG the decoded prefix grows (×4) until the frame header, which
 * follows any EXIF/ICC segments.
 */
export function imageSizeFromDataUrl(url: string): ImageSize | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  if (!/;base64$/i.test(url.slice(5, comma))) return undefined;
  const payloadLength = url.length - comma - 1;
  let chars = 64;
  for (;;) {
    const take = Math.min(chars, payloadLength);
    const bytes = Buffer.from(url.slice(comma + 1, comma + 1 + take), 'base64');
    const result = probe(bytes);
    if (result !== 'more') return plausible(result);
    if (take >= payloadLength) return undefined;
    chars *= 4;
  }
}

/** An image reference: a URL (http(s) or data) and its requested detail. */
export interface ImageInputLike {
  url?: unknown;
  detail?: unknown;
}

/**
 * Tokens for one image given its URL and detail: the size is read from a
 * `data:` URL, otherwise (remote URL, file id, no URL) the worst case is
 * assumed. `model` may be a model id or an already resolved rule.
 */
export function countImageTokens(image: ImageInputLike | string, model: string | ImageCostRule): number {
  const url = typeof image === 'string' ? image : image.url;
  const detail = typeof image === 'string' ? undefined : image.detail;
  const rule = typeof model === 'string' ? imageCostRuleFor(model) : model;
  const detailText = typeof detail === 'string' ? detail : undefined;
  // Low-detail tiles never need the dimensions; skip decoding.
  if (rule.kind === 'tiles' && detailText === 'low') return rule.baseTokens;
  const size = typeof url === 'string' && url.startsWith('data:') ? imageSizeFromDataUrl(url) : undefined;
  return imageTokensForSize(size, detailText, rule);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Tokens for a message content part if it is an image part, else `undefined`.
 * Understands Chat Completions parts (`{type: "image_url", image_url: {url,
 * detail}}`, also with `image_url` as a bare string) and Responses parts
 * (`{type: "input_image", image_url, file_id, detail}`).
 */
export function imagePartTokens(part: Record<string, unknown>, rule: ImageCostRule): number | undefined {
  const type = part['type'];
  if (type === 'image_url') {
    const ref = part['image_url'];
    if (isRecord(ref)) return countImageTokens({ url: ref['url'], detail: ref['detail'] }, rule);
    return countImageTokens({ url: ref, detail: part['detail'] }, rule);
  }
  if (type === 'input_image') {
    return countImageTokens({ url: part['image_url'], detail: part['detail'] }, rule);
  }
  return undefined;
}
