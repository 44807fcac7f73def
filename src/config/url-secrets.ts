/** Query parameters that carry a credential in connection URLs (`?password=` is libpq's, for one). */
const SECRET_PARAM = /pass|secret|token|key|auth/i;

/** Whether a URL carries a credential: a password, or a query parameter named like one. */
export function urlHoldsSecret(url: URL): boolean {
  return url.password !== '' || [...url.searchParams.keys()].some((k) => SECRET_PARAM.test(k));
}

/**
 * A URL as it may be shown: its password and credential-like query values replaced by `mask`;
 * text that does not parse as a URL is masked whole.
 * @example maskUrl('postgres://tollgate:pw@db:5432/tollgate', '****') // 'postgres://tollgate:****@db:5432/tollgate'
 */
export function maskUrl(text: string, mask: string): string {
  if (!URL.canParse(text)) return mask;
  const url = new URL(text);
  if (url.password !== '') url.password = mask;
  for (const k of [...url.searchParams.keys()]) if (SECRET_PARAM.test(k)) url.searchParams.set(k, mask);
  return url.toString();
}
