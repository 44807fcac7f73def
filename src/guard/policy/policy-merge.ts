import { maxLabel } from '../classification/labels.ts';
import { GuardPolicy, type DirectionPolicy, type GuardPolicyInput } from './policy-schema.ts';

const PII_RANK = { allow: 0, redact: 1, block: 2 } as const;
const RULE_RANK = { off: 0, flag: 1, strip: 2, block: 3 } as const;

/**
 * The policy in force for a request: the organization's, the team's and the key's, combined so that
 * the strictest setting wins (a team or key can add rules and tighten actions, never loosen what the
 * organization set). Custom rules are the union; a rule name repeated lower down replaces nothing,
 * it is kept beside the other with a numeric suffix.
 * @example effectivePolicy([orgPolicy, teamPolicy, keyPolicy].filter(Boolean))
 */
export function effectivePolicy(layers: readonly (GuardPolicyInput | GuardPolicy)[]): GuardPolicy | undefined {
  if (layers.length === 0) return undefined;
  const parsed = layers.map((l) => GuardPolicy.parse(l));
  return parsed.reduce((a, b) => ({
    version: 1,
    input: mergeDirection(a.input, b.input),
    output: mergeDirection(a.output, b.output),
    restore_placeholders: a.restore_placeholders && b.restore_placeholders,
    phone_region: a.phone_region,
    classification: {
      default_label: maxLabel(a.classification.default_label, b.classification.default_label),
      from_detections: Object.fromEntries(
        [...new Set([...Object.keys(a.classification.from_detections), ...Object.keys(b.classification.from_detections)])].map((k) => {
          const x = a.classification.from_detections[k as keyof typeof a.classification.from_detections];
          const y = b.classification.from_detections[k as keyof typeof b.classification.from_detections];
          return [k, x === undefined ? y : maxLabel(x, y)];
        }),
      ),
      rules: [...a.classification.rules, ...b.classification.rules],
    },
  }));
}

function mergeDirection(a: DirectionPolicy, b: DirectionPolicy): DirectionPolicy {
  const pii: DirectionPolicy['pii'] = { ...a.pii };
  for (const [k, v] of Object.entries(b.pii) as [keyof DirectionPolicy['pii'], 'allow' | 'redact' | 'block'][]) {
    const cur = pii[k];
    if (cur === undefined || PII_RANK[v] > PII_RANK[cur]) pii[k] = v;
  }
  const moderation: DirectionPolicy['moderation'] = { ...a.moderation };
  for (const [cat, t] of Object.entries(b.moderation)) {
    const cur = moderation[cat];
    moderation[cat] = cur === undefined ? t : { threshold: Math.min(cur.threshold, t.threshold), action: cur.action === 'block' || t.action === 'block' ? 'block' : 'flag' };
  }
  const stricter = <K extends 'phrases' | 'invisible_characters'>(k: K) => (RULE_RANK[a.injection[k]] >= RULE_RANK[b.injection[k]] ? a.injection[k] : b.injection[k]);
  const taken = new Set(a.custom.map((r) => r.name));
  const custom = [...a.custom];
  for (const r of b.custom) {
    let name = r.name;
    for (let i = 2; taken.has(name); i++) name = `${r.name.slice(0, 58)}-${i}`;
    taken.add(name);
    custom.push(name === r.name ? r : { ...r, name });
  }
  return { pii, moderation, injection: { phrases: stricter('phrases'), invisible_characters: stricter('invisible_characters') }, custom };
}
