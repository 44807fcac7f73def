import ipaddr from 'ipaddr.js';
import { fromBytes, type ParsedIp } from './ip-address.ts';

/** A compiled CIDR block: network words and mask words, ready for a few integer ANDs per check. */
export interface CidrRange {
  kind: 'ipv4' | 'ipv6';
  network: readonly number[];
  mask: readonly number[];
  /** Canonical text, e.g. `10.0.0.0/8` (an IPv4-mapped IPv6 block is shown as IPv4). */
  text: string;
}

/**
 * Compiles `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128). Returns a reason
 * instead when the text is not a CIDR block or has bits set beyond the prefix.
 * @example parseCidr('::ffff:10.0.0.0/104') // { kind: 'ipv4', text: '10.0.0.0/8', … }
 */
export function parseCidr(text: string): CidrRange | { error: string } {
  const s = text.trim();
  if (s.length === 0 || s.length > 50 || s.includes('%')) return { error: 'not an IP address or CIDR block' };
  const slash = s.indexOf('/');
  const addr = slash === -1 ? s : s.slice(0, slash);
  const prefixText = slash === -1 ? undefined : s.slice(slash + 1);
  let bytes: number[];
  let bits: number;
  if (ipaddr.IPv4.isValidFourPartDecimal(addr)) {
    bytes = ipaddr.IPv4.parse(addr).toByteArray();
    bits = 32;
  } else if (ipaddr.IPv6.isValid(addr)) {
    const v6 = ipaddr.IPv6.parse(addr);
    bytes = v6.toByteArray();
    bits = 128;
  } else {
    return { error: 'not an IP address or CIDR block' };
  }
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return { error: `prefix length must be 0 to ${bits}` };
    prefix = Number(prefixText);
  }
  if (bits === 128 && prefix >= 96 && ipaddr.IPv6.parse(addr).isIPv4MappedAddress()) {
    bytes = bytes.slice(12);
    bits = 32;
    prefix -= 96;
  }
  const ip = fromBytes(bytes);
  const mask = maskWords(ip.words.length, prefix);
  if (ip.words.some((w, i) => (w & ~mask[i]!) >>> 0 !== 0)) {
    return { error: `address has bits set beyond /${prefix}; did you mean ${networkText(ip, mask, prefix)}?` };
  }
  return { kind: ip.kind, network: ip.words, mask, text: networkText(ip, mask, prefix) };
}

/** True when `ip` lies in `range`. */
export function cidrContains(range: CidrRange, ip: ParsedIp): boolean {
  if (range.kind !== ip.kind) return false;
  for (let i = 0; i < range.mask.length; i++) {
    if (((ip.words[i]! & range.mask[i]!) >>> 0) !== range.network[i]) return false;
  }
  return true;
}

function maskWords(count: number, prefix: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const bitsHere = Math.max(0, Math.min(32, prefix - i * 32));
    out.push(bitsHere === 0 ? 0 : (0xffffffff << (32 - bitsHere)) >>> 0);
  }
  return out;
}

function networkText(ip: ParsedIp, mask: readonly number[], prefix: number): string {
  const bytes: number[] = [];
  ip.words.forEach((w, i) => {
    const n = (w & mask[i]!) >>> 0;
    bytes.push(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  });
  const addr = ip.kind === 'ipv4' ? new ipaddr.IPv4(bytes) : new ipaddr.IPv6(Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!));
  return `${addr.toString()}/${prefix}`;
}

/**
 * True when every address of `inner` lies in `outer` (same family, a prefix at least as long, and
 * `inner`'s network inside `outer`).
 * @example cidrWithin(parseCidr('10.1.0.0/16'), parseCidr('10.0.0.0/8')) // true
 */
export function cidrWithin(inner: CidrRange, outer: CidrRange): boolean {
  if (inner.kind !== outer.kind) return false;
  for (let i = 0; i < outer.mask.length; i++) {
    if ((inner.mask[i]! & outer.mask[i]!) >>> 0 !== outer.mask[i]) return false;
    if (((inner.network[i]! & outer.mask[i]!) >>> 0) !== outer.network[i]) return false;
  }
  return true;
}
