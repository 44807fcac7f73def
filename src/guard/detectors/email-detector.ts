import { asciiClass, type Detector, type Finding } from './finding.ts';

// The address from its local part on, matched where it must start (sticky): local@label.label.tld,
// letters of any script (internationalized addresses); labels cannot hold a dot, so the repetition is
// unambiguous (linear).
const ADDRESS = /[\p{L}\p{N}](?:[\p{L}\p{N}._%+-]{0,62}[\p{L}\p{N}_%+-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}(\p{L}{2,24})(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/uy;
// A local part has at most 64 characters, 128 UTF-16 units when each is outside the BMP: the walk
// back from an `@` looks at one unit more.
const LOOK_BACK = 129;
const LOCAL_CHAR = /^[\p{L}\p{N}_.%+-]$/u;
// ASCII local-part characters, by code: letters, digits and `_ . % + -`.
const ASCII_LOCAL = asciiClass(LOCAL_CHAR);
// `icon@2x.png` is an image name, not an address.
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'tif', 'tiff', 'avif']);

/**
 * Email addresses. An address can only start where the run of local-part characters before an `@`
 * starts (nothing of the kind may precede it), so the scan jumps from `@` to `@` and tries the
 * pattern once at each: a long prompt costs a search for `@`, not a pattern tried at every position.
 */
export const emailDetector: Detector = {
  id: 'email',
  scan(text: string, out: Finding[]) {
    let after = 0; // where the previous address ended: addresses do not overlap
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      const start = localRunStart(text, at, Math.max(after, at - LOOK_BACK));
      if (start === at) continue;
      // The run goes on before what was looked at (too long for a local part, or part of the previous
      // address): no address can start here.
      if (isLocalChar(text, start)) continue;
      ADDRESS.lastIndex = start;
      const m = ADDRESS.exec(text);
      if (!m || FILE_EXTENSIONS.has(m[1]!.toLowerCase())) continue;
      out.push({ detector: 'email', start, end: start + m[0].length });
      after = start + m[0].length;
      at = after - 1;
    }
  },
};

/** Where the run of local-part characters that ends at `at` starts, walking back no further than `limit`. */
function localRunStart(text: string, at: number, limit: number): number {
  let i = at;
  while (i > limit) {
    const c = text.charCodeAt(i - 1);
    if (c < 128) {
      if (ASCII_LOCAL[c] === 0) break;
      i--;
      continue;
    }
    const ch = charEndingAt(text, i);
    if (!LOCAL_CHAR.test(ch)) break;
    i -= ch.length;
  }
  return i;
}

/** Whether the character ending at `end` (exclusive) may be part of a local part. */
function isLocalChar(text: string, end: number): boolean {
  if (end <= 0) return false;
  const c = text.charCodeAt(end - 1);
  return c < 128 ? ASCII_LOCAL[c] === 1 : LOCAL_CHAR.test(charEndingAt(text, end));
}

/** The character (a surrogate pair read whole) that ends at `end`. */
function charEndingAt(text: string, end: number): string {
  const c = text.charCodeAt(end - 1);
  const pair = c >= 0xdc00 && c <= 0xdfff && end >= 2 && text.charCodeAt(end - 2) >= 0xd800 && text.charCodeAt(end - 2) <= 0xdbff;
  return text.slice(pair ? end - 2 : end - 1, end);
}
