import { errors } from '../../http/errors.ts';

const BASE = 'http://tollgate.invalid';

/**
 * Validates where to send the browser after sign-in: a path on this origin (`/chat?x=1`), never
 * another site (`//evil.example`, `/\evil.example`, `https://…`). Returns null when absent; throws
 * 400 `invalid_parameter` naming `return_to` otherwise.
 * @example parseReturnTo('/settings/keys') // '/settings/keys'
 */
export function parseReturnTo(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !isSameOriginPath(value)) {
    throw errors.badRequest('invalid_parameter', "Invalid 'return_to': must be a path on this site, starting with '/'.", 'return_to');
  }
  return value;
}

function isSameOriginPath(value: string): boolean {
  if (value.length > 2000 || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return false;
  if (/[\u0000-\u001F\u007F\\]/.test(value)) return false;
  try {
    const url = new URL(value, BASE);
    return url.origin === BASE;
  } catch {
    return false;
  }
}
