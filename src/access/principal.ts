/** Who is calling: the result of authenticating a Tollgate key. */
export interface Principal {
  keyId: string;
  /** Visible prefix of the key, safe for logs. */
  keyPrefix: string;
  name: string;
  owner: string | null;
  role: 'admin' | 'user';
  /** null: every model is allowed. */
  allowedModels: ModelMatcher | null;
  expiresAt: number | null;
}

/** Decides whether a model id is allowed; patterns are exact ids or a prefix ending in `*`. */
export interface ModelMatcher {
  readonly patterns: readonly string[];
  allows(model: string): boolean;
}

export function modelMatcher(patterns: readonly string[]): ModelMatcher {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return {
    patterns,
    allows: (model) => exact.has(model) || prefixes.some((p) => model.startsWith(p)),
  };
}
