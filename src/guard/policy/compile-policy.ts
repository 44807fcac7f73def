import type { CountryCode } from 'libphonenumber-js/max';
import type { Label } from '../classification/labels.ts';
import type { Detector, DetectorId } from '../detectors/finding.ts';
import { builtInDetectors } from '../detectors/pii-scan.ts';
import { PolicyRuleError, regexRuleDetector, wordListDetector } from '../rules/custom-rules.ts';
import type { ModerationThresholds } from '../moderation/moderator.ts';
import { GuardPolicy, type DirectionPolicy, type GuardPolicyInput } from './policy-schema.ts';

/** What a finding of a detector or rule does; `label` only counts toward the classification label. */
export type RuleAction = 'label' | 'flag' | 'redact' | 'block';

/** One direction of a policy, ready to run: only the detectors that do something, regexes compiled. */
export interface CompiledDirection {
  /** False when this direction has nothing to do: evaluation returns at once. */
  readonly active: boolean;
  readonly detectors: readonly Detector[];
  /** Action by detector id (`email`, `custom:<name>`). */
  readonly actions: ReadonlyMap<string, RuleAction>;
  /** Label a custom rule's match raises to, by detector id. */
  readonly ruleLabels: ReadonlyMap<string, Label>;
  readonly phrases: 'off' | 'flag' | 'block';
  readonly invisible: 'off' | 'flag' | 'strip' | 'block';
  readonly moderation: ModerationThresholds | undefined;
  /** Whether a JSON document can be checked as one text (jsonTextIsClean): built-in detectors only, and none that keeps state across a text. */
  readonly jsonWhole: boolean;
}

/** A policy compiled once (at load or on change) and then evaluated per request. */
export interface CompiledPolicy {
  readonly source: GuardPolicy;
  readonly input: CompiledDirection;
  readonly output: CompiledDirection;
  readonly restorePlaceholders: boolean;
  readonly classification: GuardPolicy['classification'];
}

/** A policy that does not parse or whose rules cannot run; `path` says where (e.g. `input.custom.0.pattern`). */
export class PolicyError extends Error {
  override name = 'PolicyError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path ? `${path}: ` : ''}${message}`);
  }
}

/**
 * Validates a policy (zod schema, then every custom regex compiled by RE2) and compiles it. Throws
 * PolicyError naming the first bad field.
 * @example const policy = compilePolicy({ input: { pii: { email: 'redact', credit_card: 'block' } } });
 */
export function compilePolicy(raw: GuardPolicyInput | unknown): CompiledPolicy {
  const parsed = GuardPolicy.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PolicyError(issue.message, issue.path.join('.'));
  }
  const p = parsed.data;
  const detectors = builtInDetectors(p.phone_region as CountryCode);
  try {
    return {
      source: p,
      // Detections only label a request when a label decides something (a classification rule).
      input: compileDirection(p.input, detectors, 'input', p.classification.rules.length > 0 ? p.classification.from_detections : {}),
      output: compileDirection(p.output, detectors, 'output', {}),
      restorePlaceholders: p.restore_placeholders,
      classification: p.classification,
    };
  } catch (err) {
    if (err instanceof PolicyRuleError) throw new PolicyError(err.message, err.path);
    throw err;
  }
}

function compileDirection(d: DirectionPolicy, builtIn: Record<DetectorId, Detector>, where: string, labelling: Partial<Record<DetectorId, Label>>): CompiledDirection {
  const detectors: Detector[] = [];
  const actions = new Map<string, RuleAction>();
  const ruleLabels = new Map<string, Label>();
  for (const [id, action] of Object.entries(d.pii) as [DetectorId, 'allow' | 'redact' | 'block'][]) {
    if (action === 'allow') continue;
    detectors.push(builtIn[id]);
    actions.set(id, action);
  }
  for (const id of Object.keys(labelling) as DetectorId[]) {
    if (actions.has(id)) continue;
    detectors.push(builtIn[id]);
    actions.set(id, 'label');
  }
  const names = new Set<string>();
  for (const [i, rule] of d.custom.entries()) {
    const path = `${where}.custom.${i}`;
    if (names.has(rule.name)) throw new PolicyRuleError(`rule name '${rule.name}' is used twice`, `${path}.name`);
    names.add(rule.name);
    const det = rule.type === 'regex' ? regexRuleDetector(rule.name, rule.pattern, rule.case_insensitive, `${path}.pattern`) : wordListDetector(rule.name, rule.words);
    detectors.push(det);
    actions.set(det.id, rule.action);
    if (rule.label) ruleLabels.set(det.id, rule.label);
  }
  const moderation = Object.keys(d.moderation).length > 0 ? d.moderation : undefined;
  const active = detectors.length > 0 || d.injection.phrases !== 'off' || d.injection.invisible_characters !== 'off';
  const jsonWhole = d.custom.length === 0 && d.injection.phrases === 'off' && d.injection.invisible_characters === 'off' && !moderation && detectors.every((det) => det.id !== 'phone');
  return { active, detectors, actions, ruleLabels, phrases: d.injection.phrases, invisible: d.injection.invisible_characters, moderation, jsonWhole };
}
