import { scanRegex, type Detector, type Finding } from './finding.ts';

// local@label.label.tld, letters of any script (internationalized addresses): labels cannot hold a
// dot, so the repetition is unambiguous (linear).
const EMAIL = /(?<![\p{L}\p{N}_.%+-])[\p{L}\p{N}](?:[\p{L}\p{N}._%+-]{0,62}[\p{L}\p{N}_%+-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}(\p{L}{2,24})(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/gu;
// `icon@2x.png` is an image name, not an address.
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'tif', 'tiff', 'avif']);

/** Email addresses (ASCII forms). */
export const emailDetector: Detector = {
  id: 'email',
  scan(text: string, out: Finding[]) {
    if (!text.includes('@')) return;
    scanRegex(EMAIL, text, (m) => (FILE_EXTENSIONS.has(m[1]!.toLowerCase()) ? undefined : { detector: 'email', start: m.index, end: m.index + m[0].length }), out);
  },
};
