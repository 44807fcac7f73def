import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy.ts';
import { OutboundRefusedError } from './outbound-error.ts';

/** Resolves a host name to every address (dns.lookup with `all: true`); injectable for tests. */
export type Resolver = (hostname: string, callback: (err: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true, verbatim: true }, callback);

/**
 * An undici connector that checks the destination AT CONNECT TIME: an IP literal before the socket
 * opens, a host name after resolving it, every resolved address (so a name with one public and one
 * private address is refused), and connects only to the addresses it checked (so DNS rebinding
 * between a check and the connection cannot happen: there is no second lookup).
 * @example new Agent({ connect: guardedConnector(policy, { timeoutMs: 5_000 }) })
 */
export function guardedConnector(policy: AddressPolicy, options: { timeoutMs: number; resolve?: Resolver | undefined }): buildConnector.connector {
  const resolve = options.resolve ?? systemResolver;
  const tls = buildConnector({ timeout: options.timeoutMs, lookup: guardedLookup(policy, false, resolve) });
  const plain = buildConnector({ timeout: options.timeoutMs, lookup: guardedLookup(policy, true, resolve) });
  return (opts, callback) => {
    const plaintext = opts.protocol !== 'https:';
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const why = isIP(host) ? policy.refusal(host, plaintext) : policy.hostnameRefusal(host);
    if (why) {
      callback(new OutboundRefusedError(host, why), null);
      return;
    }
    (plaintext ? plain : tls)(opts, callback);
  };
}

/** A `lookup` for net/tls.connect that refuses when any resolved address is not allowed. */
function guardedLookup(policy: AddressPolicy, plaintext: boolean, resolve: Resolver): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const byName = policy.hostnameRefusal(hostname);
    if (byName) {
      callback(new OutboundRefusedError(hostname, byName), '', 0);
      return;
    }
    resolve(hostname, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? addresses.filter((a) => a.family === lookupOptions.family) : addresses;
      if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      for (const a of addresses) {
        const why = policy.refusal(a.address, plaintext);
        if (why) return callback(new OutboundRefusedError(hostname, `it resolves to ${why}`), '', 0);
      }
      if (lookupOptions.all) (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, wanted);
      else callback(null, wanted[0]!.address, wanted[0]!.family);
    });
  };
}
