import ipaddr from 'ipaddr.js';

/**
 * Which addresses a tenant-settable URL may make Tollgate connect to.
 * - Public unicast addresses: yes, over https.
 * - Loopback, private (RFC 1918), carrier-grade NAT (100.64/10) and unique-local (fc00::/7):
 *   only when the operator allows private destinations (`on`, or a CIDR list that covers them),
 *   for an on-premise identity provider; then plain http is allowed to them too.
 * - Everything else (link-local incl. 169.254.169.254 and fe80::/10, unspecified, multicast,
 *   broadcast, reserved and documentation ranges, NAT64/6to4/Teredo forms): never, unless a CIDR
 *   in the operator's list names it explicitly.
 * IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
 * Cloud metadata host names are refused by name whatever they resolve to.
 */
export interface OutboundAllowance {
  /** `off` (default), `on` (every private range), or explicit CIDR blocks. */
  privateRanges: 'off' | 'on' | readonly string[];
}

type AddressClass = 'public' | 'private' | 'forbidden';

const PRIVATE_RANGES = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);

/**
 * Parses `TOLLGATE_OUTBOUND_ALLOW_PRIVATE`: `on`, `off`/empty, or a comma-separated CIDR list.
 * Throws on a bad entry (the config schema reports it).
 * @example parseAllowance('10.20.0.0/16, fd00::/8') // { privateRanges: ['10.20.0.0/16', 'fd00::/8'] }
 */
export function parseAllowance(text: string | undefined): OutboundAllowance {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '' || t === 'off') return { privateRanges: 'off' };
  if (t === 'on') return { privateRanges: 'on' };
  const entries = t.split(',').map((e) => e.trim()).filter(Boolean);
  for (const e of entries) {
    if (!ipaddr.isValidCIDR(e)) throw new Error(`'${e}' is not a CIDR block (e.g. 10.0.0.0/8)`);
  }
  return { privateRanges: entries };
}

/**
 * Decides, for one destination, whether Tollgate may connect. Built once from the operator's
 * allowance; `refusal` is called for every address a host name resolves to.
 * @example new AddressPolicy({ privateRanges: 'off' }).refusal('169.254.169.254', false) // 'a link-local address'
 */
export class AddressPolicy {
  private readonly cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(readonly allowance: OutboundAllowance = { privateRanges: 'off' }) {
    this.cidrs = Array.isArray(allowance.privateRanges) ? allowance.privateRanges.map((c) => ipaddr.parseCIDR(c)) : [];
  }

  /** Why a host name is refused before any lookup (a metadata service), else undefined. */
  hostnameRefusal(hostname: string): string | undefined {
    const h = hostname.toLowerCase().replace(/\.$/, '');
    return METADATA_HOSTS.has(h) ? 'a cloud metadata host name' : undefined;
  }

  /**
   * Why connecting to `address` is refused, else undefined. `plaintext`: the connection would be
   * plain http, allowed only to destinations the operator allowed explicitly.
   */
  refusal(address: string, plaintext: boolean): string | undefined {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      ip = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
    } catch {
      return 'not an IP address';
    }
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    const range = ip.range();
    const cls: AddressClass = range === 'unicast' ? 'public' : PRIVATE_RANGES.has(range) ? 'private' : 'forbidden';
    const listed = this.cidrs.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
    const allowedByOperator = listed || (cls === 'private' && this.allowance.privateRanges === 'on');
    if (allowedByOperator) return undefined;
    if (cls === 'public') return plaintext ? 'plain http (only https is allowed)' : undefined;
    return `a ${describe(range)} address`;
  }
}

function describe(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback',
    private: 'private',
    carrierGradeNat: 'carrier-grade NAT',
    uniqueLocal: 'unique-local',
    linkLocal: 'link-local',
    unspecified: 'unspecified',
    multicast: 'multicast',
    broadcast: 'broadcast',
  };
  return names[range] ?? `reserved (${range})`;
}
