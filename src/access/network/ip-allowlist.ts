import { fail } from '../../errors/index.ts';
import { cidrContains, parseCidr, type CidrRange } from './cidr-range.ts';
import { parseIp } from './ip-address.ts';

/** Most entries one allowlist may hold. */
export const IP_ALLOWLIST_MAX_ENTRIES = 1_000;

/** Anything that can answer whether a client address may pass. */
export interface IpRule {
  allows(ip: string): boolean;
}

/**
 * A compiled list of CIDR blocks (IPv4 and IPv6). Parse it once when the key or org settings are
 * loaded; `allows` then does a few integer comparisons per block and no parsing of the list.
 * An empty list is unrestricted (the setting is off). A client address that cannot be parsed is
 * refused by a non-empty list (fail closed). IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`),
 * as a dual-stack socket reports IPv4 clients, match IPv4 blocks, and the other way round.
 * @example
 * const list = IpAllowlist.parse(['10.0.0.0/8', '2001:db8::/32']);
 * list.allows('::ffff:10.1.2.3') // true
 * IpAllowlist.parse(['10.0.0.0/8', 'nope'], 'ip_allowlist') // throws 400 invalid_cidr, param 'ip_allowlist[1]'
 */
export class IpAllowlist implements IpRule {
  /** The unrestricted list. */
  static readonly any = new IpAllowlist([]);

  private readonly v4: readonly CidrRange[];
  private readonly v6: readonly CidrRange[];

  private constructor(readonly ranges: readonly CidrRange[]) {
    this.v4 = ranges.filter((r) => r.kind === 'ipv4');
    this.v6 = ranges.filter((r) => r.kind === 'ipv6');
  }

  /**
   * Compiles `entries`; throws 400 `invalid_cidr` with `param` `<param>[i]` for the first bad
   * entry, or 400 `too_many_cidrs` with `param` `<param>` for an over-long list.
   */
  static parse(entries: unknown, param = 'ip_allowlist'): IpAllowlist {
    if (!Array.isArray(entries)) throw fail('invalid_cidr', { param, reason: 'expected an array of CIDR blocks' });
    if (entries.length > IP_ALLOWLIST_MAX_ENTRIES) throw fail('too_many_cidrs', { param, max: IP_ALLOWLIST_MAX_ENTRIES });
    const ranges = entries.map((entry: unknown, i) => {
      const at = `${param}[${i}]`;
      if (typeof entry !== 'string') throw fail('invalid_cidr', { param: at, reason: 'expected a string' });
      const r = parseCidr(entry);
      if ('error' in r) throw fail('invalid_cidr', { param: at, reason: `${r.error} (${JSON.stringify(entry.slice(0, 60))})` });
      return r;
    });
    return new IpAllowlist(ranges);
  }

  /** True when no blocks are set, i.e. every address passes. */
  get unrestricted(): boolean {
    return this.ranges.length === 0;
  }

  /** Canonical text of each block, e.g. for storing or showing the normalised list. */
  get entries(): string[] {
    return this.ranges.map((r) => r.text);
  }

  allows(ip: string): boolean {
    if (this.ranges.length === 0) return true;
    const parsed = parseIp(ip);
    if (!parsed) return false;
    const list = parsed.kind === 'ipv4' ? this.v4 : this.v6;
    for (const r of list) if (cidrContains(r, parsed)) return true;
    return false;
  }
}

/**
 * Combines the org-wide list and a key's own list: an address must pass every list that is set.
 * A key list therefore narrows the org list and can never widen it; an unset (empty) list
 * imposes nothing. With both unset, everything passes.
 * @example combineAllowlists(orgList, keyList).allows(req.ip)
 */
export function combineAllowlists(...lists: ReadonlyArray<IpAllowlist | null | undefined>): IpRule {
  const set = lists.filter((l): l is IpAllowlist => l != null && !l.unrestricted);
  if (set.length === 0) return IpAllowlist.any;
  if (set.length === 1) return set[0]!;
  return { allows: (ip) => set.every((l) => l.allows(ip)) };
}
