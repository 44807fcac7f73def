export { parseIp, type ParsedIp } from './ip-address.ts';
export { cidrContains, parseCidr, type CidrRange } from './cidr-range.ts';
export { IP_ALLOWLIST_MAX_ENTRIES, IpAllowlist, combineAllowlists, type IpRule } from './ip-allowlist.ts';
