import { maxLabel, type Label } from '../classification/labels.ts';
import { scanText } from '../detectors/pii-scan.ts';
import type { CompiledDirection, CompiledPolicy, RuleAction } from '../policy/compile-policy.ts';
import { matchInjectionRules, normalizeForRules } from '../rules/injection-rules.ts';
import { countInvisible, stripInvisible } from '../rules/invisible-characters.ts';
import { forEachText, withTexts, type GuardInput } from './message-text.ts';
import { Placeholders, redactedMark, restorePlaceholders } from './placeholders.ts';

/** The outcome for a request or reply, strongest first: block > redact > flag > allow. */
export type GuardAction = 'allow' | 'flag' | 'redact' | 'block';

/** A finding with what was done about it and where (message and part index; -1 for a plain string). No value is kept. */
export interface GuardFinding {
  detector: string;
  kind?: string;
  action: RuleAction;
  message: number;
  part: number;
  start: number;
  end: number;
}

export interface GuardVerdict<T> {
  action: GuardAction;
  findings: readonly GuardFinding[];
  /** Rules that matched without a span: `injection:<rule id>`, `invisible_characters`. */
  flags: readonly string[];
  /** The input with redactions (and stripped characters) applied; the input itself when nothing changed. */
  redacted: T;
  /** The sensitivity label: the most sensitive of the policy default, the caller's and the detections'. */
  label: Label;
  /** Which part of the policy blocked (`pii.credit_card`, `custom.codes`, `injection.phrases`, …), for the error. */
  blockedBy: string | undefined;
  /** Placeholder → original value, when the policy restores placeholders in the reply. */
  restore: ReadonlyMap<string, string> | undefined;
}

export interface EvaluateContext {
  /** A label set by the caller (`x-tollgate-classification`) or a team default; it can raise the label, never lower it. */
  label?: Label | undefined;
}

export interface OutputContext {
  /** The `restore` of the input verdict: placeholders in the reply are put back. */
  restore?: ReadonlyMap<string, string> | undefined;
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Applies a policy's input rules to a prompt (a string or chat messages): PII detectors, custom rules,
 * injection phrases and invisible characters. Pure and synchronous; moderation is separate (see
 * judgeModeration). Without a policy, or with an input side that does nothing, it returns at once.
 * @example
 * const v = evaluateInput(policy, [{ role: 'user', content: 'card 4111 1111 1111 1111' }]);
 * if (v.action === 'block') throw contentPolicyViolation(v.blockedBy);
 */
export function evaluateInput<T extends GuardInput>(policy: CompiledPolicy | undefined, input: T, ctx?: EvaluateContext): GuardVerdict<T> {
  const base = maxLabel(policy?.classification.default_label ?? 'internal', ctx?.label);
  if (!policy || !policy.input.active) return allow(input, base);
  return run(policy, policy.input, input, base, 'input');
}

/**
 * Applies a policy's output rules to a whole reply, then restores the prompt's placeholders (values
 * the caller sent are theirs, so output redaction leaves `[EMAIL_REDACTED]`, never a restorable
 * placeholder). For streams use OutputStreamScanner.
 */
export function evaluateOutput(policy: CompiledPolicy | undefined, text: string, ctx?: OutputContext): GuardVerdict<string> {
  const base = policy?.classification.default_label ?? 'internal';
  if (!policy || !policy.output.active) {
    return ctx?.restore ? { ...allow(text, base), redacted: restorePlaceholders(text, ctx.restore) } : allow(text, base);
  }
  const v = run(policy, policy.output, text, base, 'output');
  return v.action === 'block' || !ctx?.restore ? v : { ...v, redacted: restorePlaceholders(v.redacted, ctx.restore) };
}

function allow<T>(input: T, label: Label): GuardVerdict<T> {
  return { action: 'allow', findings: EMPTY, flags: EMPTY, redacted: input, label, blockedBy: undefined, restore: undefined };
}

/**
 * On input a redacted value becomes a numbered placeholder (`[EMAIL_1]`, made when the first one is
 * needed); on output a plain mark (`[EMAIL_REDACTED]`).
 */
function run<T extends GuardInput>(policy: CompiledPolicy, dir: CompiledDirection, input: T, base: Label, side: 'input' | 'output'): GuardVerdict<T> {
  let placeholders: Placeholders | undefined;
  const findings: GuardFinding[] = [];
  const flags: string[] = [];
  const replaced = new Map<string, string>();
  let label = base;
  let blockedBy: string | undefined;
  let flagged = false;
  const fromDetections = policy.classification.from_detections as Partial<Record<string, Label>>;

  forEachText(input, (original, at) => {
    if (blockedBy) return;
    let text = original;
    if (dir.invisible !== 'off' && countInvisible(text) > 0) {
      flags.push('invisible_characters');
      if (dir.invisible === 'block') blockedBy = 'injection.invisible_characters';
      else if (dir.invisible === 'strip') text = stripInvisible(text);
      else flagged = true;
      if (blockedBy) return;
    }
    if (dir.phrases !== 'off') {
      const hits = matchInjectionRules(normalizeForRules(text));
      if (hits.length > 0) {
        for (const h of hits) flags.push(`injection:${h}`);
        if (dir.phrases === 'block') {
          blockedBy = 'injection.phrases';
          return;
        }
        flagged = true;
      }
    }
    const found = dir.detectors.length > 0 ? scanText(text, dir.detectors) : EMPTY;
    let out = '';
    let last = 0;
    for (const f of found) {
      const action = dir.actions.get(f.detector) ?? 'flag';
      findings.push({ detector: f.detector, ...(f.kind ? { kind: f.kind } : {}), action, message: at.message, part: at.part, start: f.start, end: f.end });
      label = maxLabel(label, dir.ruleLabels.get(f.detector) ?? fromDetections[f.detector]);
      if (action === 'block') {
        blockedBy ??= f.detector.startsWith('custom:') ? `custom.${f.detector.slice(7)}` : `pii.${f.detector}`;
      } else if (action === 'redact') {
        if (side === 'input') placeholders ??= new Placeholders(policy.restorePlaceholders);
        out += text.slice(last, f.start) + (placeholders ? placeholders.for(f.detector, text.slice(f.start, f.end)) : redactedMark(f.detector));
        last = f.end;
      } else if (action === 'flag') flagged = true;
    }
    if (blockedBy) return;
    if (last > 0) text = out + text.slice(last);
    if (text !== original) replaced.set(`${at.message}:${at.part}`, text);
  });

  if (blockedBy) return { action: 'block', findings, flags, redacted: input, label, blockedBy: `${side}.${blockedBy}`, restore: undefined };
  const action: GuardAction = replaced.size > 0 && findings.some((f) => f.action === 'redact') ? 'redact' : flagged || replaced.size > 0 ? 'flag' : 'allow';
  return {
    action,
    findings,
    flags,
    redacted: withTexts(input, replaced),
    label,
    blockedBy: undefined,
    restore: placeholders?.restore && placeholders.restore.size > 0 ? placeholders.restore : undefined,
  };
}
