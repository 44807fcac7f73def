import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressPolicy } from '../http/outbound/index.ts';

/**
 * Why Tollgate may not send requests (with a key) to `baseUrl`, else undefined: the outbound
 * policy of tenant-set URLs (src/http/outbound) applied when a deployment is written, so a bad
 * address is a clear 400 at once. The pool of an API-set deployment checks again at connect time
 * (no DNS rebinding between this check and the connection).
 * @example await baseUrlRefusal('http://169.254.169.254/v1', policy) // 'it is a link-local address'
 */
export async function baseUrlRefusal(baseUrl: string, policy: AddressPolicy): Promise<string | undefined> {
  const url = new URL(baseUrl);
  const plaintext = url.protocol !== 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const byName = policy.hostnameRefusal(host);
  if (byName) return `it names ${byName}`;
  if (isIP(host)) {
    const why = policy.refusal(host, plaintext);
    return why && `it is ${why}${allowHint(why)}`;
  }
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `the host name '${host}' cannot be resolved`;
  }
  for (const a of addresses) {
    const why = policy.refusal(a.address, plaintext);
    if (why) return `it resolves to ${why}${allowHint(why)}`;
  }
  return undefined;
}

const allowHint = (why: string) => (/loopback|private|unique-local|carrier-grade/i.test(why) ? ' (allowed only with outbound.allow_private)' : '');
