import ipaddr from 'ipaddr.js';

/** An address as matched: IPv4 as one 32-bit word, IPv6 as four. IPv4-mapped IPv6 becomes IPv4. */
export type ParsedIp = { kind: 'ipv4'; words: readonly [number] } | { kind: 'ipv6'; words: readonly [number, number, number, number] };

/**
 * Parses a textual client address strictly: dotted-quad IPv4 or IPv6 (no zone id), with
 * `::ffff:a.b.c.d` folded to IPv4. Returns undefined for anything else.
 * @example parseIp('::ffff:10.0.0.1') // { kind: 'ipv4', words: [0x0a000001] }
 */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.length > 45 || text.includes('%')) return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return fromBytes(ipaddr.IPv4.parse(text).toByteArray());
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  return fromBytes(v6.isIPv4MappedAddress() ? v6.toIPv4Address().toByteArray() : v6.toByteArray());
}

/** Words from bytes in network order (4 bytes → IPv4, 16 → IPv6). */
export function fromBytes(bytes: readonly number[]): ParsedIp {
  const w = (i: number) => ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
  return bytes.length === 4 ? { kind: 'ipv4', words: [w(0)] } : { kind: 'ipv6', words: [w(0), w(4), w(8), w(12)] };
}
