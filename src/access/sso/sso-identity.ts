import { fail } from '../../errors/index.ts';

/** Who signed in, as the identity provider vouches for it. `issuer` + `subject` is the stable key. */
export interface SsoIdentity {
  /** The `sub` claim: unique and stable within the issuer. */
  subject: string;
  issuer: string;
  email: string | null;
  /** Only a verified email may be used to link an existing user. */
  emailVerified: boolean;
  name: string | null;
  /** Values of the groups claim; empty when the claim is absent. */
  groups: string[];
}

/**
 * Builds an identity from merged ID-token and userinfo claims.
 * A groups claim may be an array of strings or a single string; anything else is refused.
 * @example
 * identityFromClaims({ iss: 'https://idp', sub: 'u1', email: 'ana@x.io', groups: ['eng'] }, 'groups');
 * // → { subject: 'u1', issuer: 'https://idp', email: 'ana@x.io', emailVerified: false, name: null, groups: ['eng'] }
 */
export function identityFromClaims(claims: Record<string, unknown>, groupsClaim: string): SsoIdentity {
  const { sub, iss } = claims;
  if (typeof sub !== 'string' || sub === '') throw fail('sso_missing_claim', { reason: 'the ID token has no subject' });
  if (typeof iss !== 'string' || iss === '') throw fail('sso_missing_claim', { reason: 'the ID token has no issuer' });
  return {
    subject: sub,
    issuer: iss,
    email: optionalString(claims, 'email'),
    emailVerified: claims['email_verified'] === true || claims['email_verified'] === 'true',
    name: optionalString(claims, 'name'),
    groups: groupsOf(claims[groupsClaim], groupsClaim),
  };
}

function optionalString(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw fail('sso_missing_claim', { reason: `the claim '${name}' is not a string` });
  return value;
}

function groupsOf(value: unknown, claim: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((g): g is string => typeof g === 'string')) return [...new Set(value)];
  throw fail('sso_missing_claim', { reason: `the claim '${claim}' is not a list of strings` });
}
