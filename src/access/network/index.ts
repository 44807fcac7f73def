export { parseIp, type ParsedIp } from './ip-address.ts';
export { cidrContains, cidrWithin, parseCidr, type CidrRange } from './cidr-range.ts';
export { IP_ALLOWLIST_MAX_ENTRIES, IpAllowlist, combineAllowlists, type IpRule } from './ip-allowlist.ts';
