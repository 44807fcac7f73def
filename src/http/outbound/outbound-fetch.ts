import { Agent, fetch as undiciFetch } from 'undici';
import { AddressPolicy, type OutboundAllowance } from './address-policy.ts';
import { guardedConnector, type Resolver } from './guarded-connector.ts';
import { OutboundRefusedError } from './outbound-error.ts';

export interface OutboundOptions {
  /** The operator's allowance for private destinations (TOLLGATE_OUTBOUND_ALLOW_PRIVATE); default none. */
  allowance?: OutboundAllowance | undefined;
  /** Whole request, connection to last byte of the body. Default 10 s. */
  timeoutMs?: number | undefined;
  /** Largest response body read; a larger one is refused. Default 1 MiB. */
  maxResponseBytes?: number | undefined;
  /** Host-name resolution (tests); default the system resolver. */
  resolve?: Resolver | undefined;
}

/** What a caller may pass: the subset of fetch's init an HTTP client library uses. */
export interface OutboundInit {
  method?: string | undefined;
  headers?: Headers | Record<string, string> | [string, string][] | undefined;
  body?: string | URLSearchParams | null | undefined;
  signal?: AbortSignal | null | undefined;
  redirect?: string | undefined;
}

/** A fetch for URLs a tenant can set; see createOutboundFetch. */
export interface OutboundFetch {
  (url: string | URL, init?: OutboundInit): Promise<Response>;
  readonly policy: AddressPolicy;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * THE way Tollgate calls a URL that a tenant can set (an SSO issuer and the endpoints its discovery
 * document names; webhooks and integrations later). https only; the destination is checked at
 * connect time after DNS resolution (see AddressPolicy and guardedConnector), so loopback,
 * private, link-local and metadata addresses are refused however they are spelled
 * (`0x7f.0.0.1`, `2130706433`, `[::ffff:127.0.0.1]`, a name resolving to 127.0.0.1); redirects are
 * not followed; the answer is bounded in size and the whole exchange in time. Refusals throw
 * OutboundRefusedError.
 * @example
 * const outbound = createOutboundFetch({ allowance: parseAllowance(process.env.TOLLGATE_OUTBOUND_ALLOW_PRIVATE) });
 * const res = await outbound('https://login.example.com/.well-known/openid-configuration');
 */
export function createOutboundFetch(options: OutboundOptions = {}): OutboundFetch {
  const policy = new AddressPolicy(options.allowance);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const agent = new Agent({ connect: guardedConnector(policy, { timeoutMs, resolve: options.resolve }), keepAliveTimeout: 4_000, maxRedirections: 0 } as Agent.Options);

  const outbound = async (input: string | URL, init: OutboundInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefusedError(url.host, `the scheme ${url.protocol} (only https is allowed)`);
    if (url.protocol === 'http:' && policy.allowance.privateRanges === 'off') throw new OutboundRefusedError(url.host, 'plain http (only https is allowed)');
    if (url.username !== '' || url.password !== '') throw new OutboundRefusedError(url.host, 'credentials in the URL');
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    let res;
    try {
      res = await undiciFetch(url, {
        method: init.method ?? 'GET',
        headers: headerPairs(init.headers),
        body: init.body ?? null,
        redirect: 'manual',
        signal,
        dispatcher: agent,
      });
    } catch (err) {
      throw unwrap(err, url.host, timeoutMs);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new OutboundRefusedError(url.host, `a redirect (${res.status}), which is not followed`);
    }
    const body = await readBounded(res, maxBytes, url.host, timeoutMs);
    return new Response(body, { status: res.status, statusText: res.statusText, headers: new Headers([...res.headers]) });
  };
  return Object.assign(outbound, { policy, close: () => agent.close() });
}

/** Headers of any form as pairs (a global Headers is not undici's class). */
function headerPairs(headers: OutboundInit['headers']): [string, string][] {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return headers;
  if (headers instanceof Headers) return [...headers];
  return Object.entries(headers);
}

/** The body, refused past `maxBytes` (by content-length when given, else while reading). */
async function readBounded(res: Awaited<ReturnType<typeof undiciFetch>>, maxBytes: number, host: string, timeoutMs: number): Promise<Uint8Array | null> {
  if (res.body === null || res.status === 204 || res.status === 304) return null;
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const tooLarge = () => new OutboundRefusedError(host, `an answer larger than ${maxBytes} bytes`);
  if (declared > maxBytes) {
    await res.body.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        await res.body.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (err) {
    throw unwrap(err, host, timeoutMs);
  }
  return Buffer.concat(chunks, size);
}

/** A refusal from the connector comes back wrapped in fetch's TypeError; a timeout as an AbortError. */
function unwrap(err: unknown, host: string, timeoutMs: number): Error {
  if (err instanceof OutboundRefusedError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof OutboundRefusedError) return cause;
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || (name === 'AbortError' && (err as { cause?: { name?: string } }).cause?.name === 'TimeoutError')) {
    return new OutboundRefusedError(host, `no complete answer within ${timeoutMs} ms`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
