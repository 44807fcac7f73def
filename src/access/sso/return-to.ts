import { z } from 'zod';

const BASE = 'http://tollgate.invalid';

/**
 * Where to send the browser after sign-in: a path on this origin (`/chat?x=1`), never another site
 * (`//evil.example`, `/\evil.example`, `https://…`). A query field of this schema that breaks the
 * rule is 400 `invalid_parameter` naming it.
 * @example z.strictObject({ return_to: ReturnTo.optional() }).parse({ return_to: '/settings/keys' })
 */
export const ReturnTo = z.string().refine(isSameOriginPath, { error: "must be a path on this site, starting with '/'" });

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
