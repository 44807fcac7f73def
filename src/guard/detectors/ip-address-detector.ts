import { isIPv6 } from 'node:net';
import { scanRegex, type Detector, type Finding } from './finding.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
// Hex groups and colons (an embedded IPv4 tail allowed); node:net decides what is an address. Tried
// once per run of hex digits, colons and dots that holds a colon (see scanIpv6).
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)/y;
const HEX_COLON_DOT = /[0-9A-Fa-f:.]/;
// "v1.2.3.4", "version 10.0.0.1": a version, not an address.
const VERSION_BEFORE = /(?:\bv|\bversion\s?|\brelease\s?|\bbuild\s?)$/i;

function acceptIpv4(m: RegExpExecArray): Finding | undefined {
  return VERSION_BEFORE.test(m.input.slice(Math.max(0, m.index - 10), m.index)) ? undefined : { detector: 'ip_address', kind: 'ipv4', start: m.index, end: m.index + m[0].length };
}

/** IPv4 (dotted quad, no leading zeros) and IPv6 addresses; version numbers are told apart by the word before them. */
export const ipAddressDetector: Detector = {
  id: 'ip_address',
  needsDigit: true,
  scan(text: string, out: Finding[]) {
    if (text.includes('.')) {
      scanRegex(IPV4, text, acceptIpv4, out);
    }
    scanIpv6(text, out);
  },
};

/**
 * IPv6 addresses. An address cannot follow a letter, digit, colon or dot, so in a run of hex digits,
 * colons and dots it can only start where the run starts: the pattern is tried there once per run
 * (runs found from their colons), not at every position of the text, and each character is read at
 * most twice.
 */
function scanIpv6(text: string, out: Finding[]): void {
  for (let colon = text.indexOf(':'); colon >= 0; ) {
    let start = colon;
    while (start > 0 && HEX_COLON_DOT.test(text[start - 1]!)) start--;
    let end = colon + 1;
    while (end < text.length && HEX_COLON_DOT.test(text[end]!)) end++;
    IPV6.lastIndex = start;
    const m = IPV6.exec(text);
    // Real addresses have digits; words like "Bad::Cafe" in code do not.
    if (m && /\d/.test(m[0]) && isIPv6(m[0])) out.push({ detector: 'ip_address', kind: 'ipv6', start, end: start + m[0].length });
    colon = text.indexOf(':', end);
  }
}
