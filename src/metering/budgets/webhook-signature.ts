import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook's signature. */
export const SIGNATURE_HEADER = 'x-tollgate-signature';

/**
 * The signature header value for a body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * @example signWebhook('{"id":"alt_1"}', 'whsec', 1764000000) // → 't=1764000000,v1=5f0c…'
 */
export function signWebhook(body: string, secret: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, `${unixSeconds}.${body}`)}`;
}

/**
 * Checks a signature header against the raw body, as a receiver should: the HMAC must match and
 * the timestamp must be within `toleranceSeconds` of now (refuses replays of old deliveries).
 * @example verifyWebhook(rawBody, req.headers['x-tollgate-signature'], secret) // → true
 */
export function verifyWebhook(
  body: string,
  header: string | undefined,
  secret: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isSafeInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(hmac(secret, `${t}.${body}`), 'hex'));
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}
