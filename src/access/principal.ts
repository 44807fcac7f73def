import type { IpRule } from './network/index.ts';
import type { Actor } from './permissions/actor.ts';

/** Who is calling: the result of authenticating a Tollgate key. Built once per key per cache period. */
export interface Principal {
  keyId: string;
  /** Visible prefix of the key, safe for logs. */
  keyPrefix: string;
  name: string;
  orgId: string;
  /** A service key's team, or the team a personal key's spend counts to. */
  teamId: string | null;
  /** The user of a personal key; null for a service key. */
  userId: string | null;
  /** What the key may do: its user's roles (personal) or its role in its team (service key). */
  actor: Actor;
  /** Whether the key may call /v1 at all (gateway.call on its own team), decided once per load. */
  gatewayAllowed: boolean;
  /** null: every model is allowed. */
  allowedModels: ModelMatcher | null;
  /** null: every endpoint; else the endpoint scopes the key may call (`chat.completions`, `api`, …). */
  endpoints: ReadonlySet<string> | null;
  /** The key's and its organization's allowlists combined; null when neither is set. */
  ipRule: IpRule | null;
  /** When the presented secret stops working: the key's expiry, or a rotated secret's grace end. */
  expiresAt: number | null;
  /** The organization serves models without a price under budgets (else they are refused while a budget applies). */
  allowUnpricedModels: boolean;
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
