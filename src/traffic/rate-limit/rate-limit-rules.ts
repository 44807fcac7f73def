import { modelMatches, type RateLimitRule } from './rate-limit-rule.ts';

/** Who is asking: the principal's key and what it belongs to (ids), as authentication found them. */
export interface RateLimitSubject {
  keyId: string;
  userId?: string | null | undefined;
  teamId?: string | null | undefined;
  orgId?: string | null | undefined;
}

/**
 * The rate limits in force, indexed for a lookup per request that touches only the rules of the
 * caller's key, user, team and organization and the model rules.
 * @example new RateLimitRules(parseRateLimitRules(config.rateLimits)).for({ keyId: 'key_1', teamId: 'team_1' }, 'gpt-4o')
 */
export class RateLimitRules {
  private readonly bySubject = new Map<string, RateLimitRule[]>();
  private readonly byModel: RateLimitRule[] = [];
  /** Number of rules (computed once: `active` is read per request). */
  readonly size: number;

  constructor(rules: readonly RateLimitRule[]) {
    this.size = rules.length;
    for (const r of rules) {
      if (r.scope === 'model') {
        this.byModel.push(r);
        continue;
      }
      const k = `${r.scope}\u0000${r.scopeId}`;
      const list = this.bySubject.get(k);
      if (list) list.push(r);
      else this.bySubject.set(k, [r]);
    }
  }


  /** Every rule that applies to a request of `subject` for `model`. */
  for(subject: RateLimitSubject, model: string): RateLimitRule[] {
    const out: RateLimitRule[] = [];
    this.add(out, 'key', subject.keyId, model);
    if (subject.userId) this.add(out, 'user', subject.userId, model);
    if (subject.teamId) this.add(out, 'team', subject.teamId, model);
    if (subject.orgId) this.add(out, 'org', subject.orgId, model);
    for (const r of this.byModel) if (modelMatches(r.model, model)) out.push(r);
    return out;
  }

  private add(out: RateLimitRule[], scope: string, id: string, model: string): void {
    const list = this.bySubject.get(`${scope}\u0000${id}`);
    if (list) for (const r of list) if (modelMatches(r.model, model)) out.push(r);
  }
}
