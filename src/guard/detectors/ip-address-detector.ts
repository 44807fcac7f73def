import { isIPv6 } from 'node:net';
import { scanRegex, type Detector, type Finding } from './finding.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
// Hex groups and colons (an embedded IPv4 tail allowed); node:net decides what is an address.
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)/g;
// "v1.2.3.4", "version 10.0.0.1": a version, not an address.
const VERSION_BEFORE = /(?:\bv|\bversion\s?|\brelease\s?|\bbuild\s?)$/i;

/** IPv4 (dotted quad, no leading zeros) and IPv6 addresses; version numbers are told apart by the word before them. */
export const ipAddressDetector: Detector = {
  id: 'ip_address',
  scan(text: string, out: Finding[]) {
    if (text.includes('.')) {
      scanRegex(IPV4, text, (m) => (VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 10), m.index)) ? undefined : { detector: 'ip_address', kind: 'ipv4', start: m.index, end: m.index + m[0].length }), out);
    }
    if (text.includes(':')) {
      scanRegex(
        IPV6,
        text,
        (m) => {
          const raw = m[0];
          // Real addresses have digits; words like "Bad::Cafe" in code do not.
          return /\d/.test(raw) && isIPv6(raw) ? { detector: 'ip_address', kind: 'ipv6', start: m.index, end: m.index + raw.length } : undefined;
        },
        out,
      );
    }
  },
};
