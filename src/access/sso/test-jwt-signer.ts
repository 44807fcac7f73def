import { createSign, type KeyObject } from 'node:crypto';

/**
 * Test helper, not shipped API: signs a JWT with RS256, to forge or re-sign ID tokens in tests.
 * @example signRs256({ iss, sub: 'ana', aud, exp }, privateKey, 'test-key')
 */
export function signRs256(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key);
  return `${input}.${signature.toString('base64url')}`;
}

/** Decodes the payload of a JWT without verifying it. */
export function jwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
