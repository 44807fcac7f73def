import type { Logger } from 'pino';
import { fail } from '../../errors/index.ts';
import { labelAtMost, type Label } from '../classification/labels.ts';
import { compilePolicy, PolicyError, type CompiledPolicy } from '../policy/compile-policy.ts';
import { effectivePolicy } from '../policy/policy-merge.ts';
import { GuardPolicy } from '../policy/policy-schema.ts';
import type { GuardPolicyStore, PolicyScope, StoredPolicy } from './guard-policy-store.ts';

/** Who a request is for, as far as policies go: its key, the key's team and organization. */
export interface PolicySubject {
  keyId: string;
  orgId: string;
  teamId: string | null;
}

/** The policy in force for one key: compiled once, with the layers it came from (to name the one that blocked). */
export interface ResolvedPolicy {
  compiled: CompiledPolicy;
  layers: readonly { name: string; policy: GuardPolicy }[];
}

/** Keys whose resolved policy is kept; past this the cache starts over (it is rebuilt on demand). */
const MAX_CACHED = 10_000;

/**
 * The guardrail policies in memory: the tollgate.yaml default and every stored policy, resolved per
 * key (organization + team + key, merged so the strictest setting wins) and compiled once per key,
 * until a policy changes. With no policy anywhere `resolve` returns undefined at once, allocating
 * nothing: the guard stages then cost a property read.
 */
export class GuardPolicies {
  /** Whether any policy exists (default or stored). */
  active = false;
  readonly #store: GuardPolicyStore | undefined;
  readonly #default: GuardPolicy | undefined;
  readonly #log: Logger | undefined;
  #stored = new Map<string, StoredPolicy>();
  readonly #cache = new Map<string, ResolvedPolicy | null>();
  /** Resolved policies by the layers they merge (`default|org:…|team:…`): keys without a policy of their own share one compilation. */
  readonly #byLayers = new Map<string, ResolvedPolicy | null>();

  constructor(opts: { store?: GuardPolicyStore | undefined; defaultPolicy?: unknown; log?: Logger | undefined }) {
    this.#store = opts.store;
    this.#log = opts.log;
    this.#default = opts.defaultPolicy === undefined ? undefined : GuardPolicy.parse(opts.defaultPolicy);
    if (this.#default) compilePolicy(this.#default); // a bad default (a regex RE2 refuses) stops the start
    this.active = this.#default !== undefined;
  }

  /** Reads every stored policy again (at start and when one changed, here or on another instance). */
  async reload(): Promise<void> {
    if (!this.#store) return;
    const next = new Map<string, StoredPolicy>();
    for (const { row, json } of await this.#store.all()) {
      const parsed = GuardPolicy.safeParse(safeJson(json));
      if (!parsed.success) {
        // Written through the schema, so only a hand-edited row gets here; refusing every request of the org would be worse.
        this.#log?.error({ policy: `${row.scope}:${row.scopeId}` }, 'stored guardrail policy does not validate; ignored');
        continue;
      }
      next.set(`${row.scope}:${row.scopeId}`, { ...row, policy: parsed.data });
    }
    this.#stored = next;
    this.active = this.#default !== undefined || next.size > 0;
    this.#cache.clear();
    this.#byLayers.clear();
  }

  /** Forgets the resolved policies (a key moved to another team). */
  invalidate(): void {
    this.#cache.clear();
  }

  /** The stored policy of a scope, if any. */
  get(scope: PolicyScope, scopeId: string): StoredPolicy | undefined {
    return this.#stored.get(`${scope}:${scopeId}`);
  }

  /** Every stored policy of an organization. */
  list(orgId: string): StoredPolicy[] {
    return [...this.#stored.values()].filter((p) => p.orgId === orgId);
  }

  /**
   * Checks that a policy about to be set on a scope still compiles merged with the layers above it
   * (the default, the organization's, for a key its team's); throws PolicyError naming the problem.
   */
  checkCombined(place: { orgId: string; scope: PolicyScope; teamId: string | null }, policy: GuardPolicy): void {
    const layers: GuardPolicy[] = [];
    if (this.#default) layers.push(this.#default);
    const org = place.scope === 'org' ? undefined : this.#stored.get(`org:${place.orgId}`);
    if (org) layers.push(org.policy);
    const team = place.scope === 'key' && place.teamId !== null ? this.#stored.get(`team:${place.teamId}`) : undefined;
    if (team && team.orgId === place.orgId) layers.push(team.policy);
    if (layers.length === 0) return;
    compilePolicy(effectivePolicy([...layers, policy])!);
  }

  /** The policy in force for a key; undefined when none applies. */
  resolve(subject: PolicySubject): ResolvedPolicy | undefined {
    if (!this.active) return undefined;
    const cached = this.#cache.get(subject.keyId);
    if (cached !== undefined) return cached ?? undefined;
    const layers: { name: string; policy: GuardPolicy }[] = [];
    if (this.#default) layers.push({ name: 'default', policy: this.#default });
    const add = (scope: PolicyScope, id: string | null) => {
      const p = id === null ? undefined : this.#stored.get(`${scope}:${id}`);
      if (p && p.orgId === subject.orgId) layers.push({ name: `${scope}:${id}`, policy: p.policy });
    };
    add('org', subject.orgId);
    add('team', subject.teamId);
    add('key', subject.keyId);
    const id = layers.map((l) => l.name).join('|');
    let resolved = this.#byLayers.get(id);
    if (resolved === undefined) {
      const merged = effectivePolicy(layers.map((l) => l.policy));
      try {
        resolved = merged ? { compiled: compilePolicy(merged), layers } : null;
      } catch (err) {
        // Each layer validated alone, but together they break a limit (e.g. more than 100 custom rules):
        // refuse the key's requests rather than run them unchecked; not cached, so a fix applies at once.
        this.#log?.error({ err, layers: id }, 'guardrail policies cannot be combined');
        throw fail('guard_policy_unusable', { layers: id, reason: err instanceof PolicyError ? err.message : 'internal error' });
      }
      if (this.#byLayers.size >= MAX_CACHED) this.#byLayers.clear();
      this.#byLayers.set(id, resolved);
    }
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(subject.keyId, resolved);
    return resolved ?? undefined;
  }
}

/**
 * The name of the layer that set the rule that blocked (`input.pii.credit_card`, `input.custom.codes`,
 * `output.injection.phrases`): the first layer (default, org, team, key) whose own setting blocks.
 */
export function blockingLayer(resolved: ResolvedPolicy, blockedBy: string): string {
  return ruleLayer(resolved, blockedBy, 'block');
}

/** The layer that set a rule that flagged (`input.custom.watch`, `output.moderation.violence`), as blockingLayer. */
export function flaggingLayer(resolved: ResolvedPolicy, rule: string): string {
  return ruleLayer(resolved, rule, 'flag');
}

function ruleLayer(resolved: ResolvedPolicy, rule: string, action: 'block' | 'flag'): string {
  const [side, kind, name] = rule.split('.') as ['input' | 'output', string, string];
  for (const layer of resolved.layers) {
    const dir = layer.policy[side];
    if (!dir) continue;
    if (kind === 'pii' && (dir.pii as Record<string, string | undefined>)[name] === action) return layer.name;
    if (kind === 'custom' && dir.custom.some((r) => r.name === name && r.action === action)) return layer.name;
    if (kind === 'injection' && (dir.injection as Record<string, string | undefined>)[name] === action) return layer.name;
    if (kind === 'moderation' && dir.moderation[name]?.action === action) return layer.name;
  }
  return resolved.layers[resolved.layers.length - 1]?.name ?? 'default';
}

/** The policy layer whose classification rule limits where data of `label` may go (to name it in a refusal). */
export function bindingLayer(resolved: ResolvedPolicy, label: Label): string {
  for (const layer of resolved.layers) {
    if (layer.policy.classification.rules.some((r) => labelAtMost(r.label, label) && (r.zero_retention === true || r.regions !== undefined))) return layer.name;
  }
  return resolved.layers[resolved.layers.length - 1]?.name ?? 'default';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
