import { stripInvisible } from './invisible-characters.ts';

/** A known prompt-injection phrasing, matched on normalized text (see normalizeForRules). */
export interface InjectionRule {
  id: string;
  re: RegExp;
}

// Bounded gaps ({0,3} words) keep every rule linear; each rule covers a family of phrasings. Rules
// are written with single spaces and compiled to match any run of white space, case-insensitively,
// so ASCII text needs no normalization pass (the costly part on a long prompt).
const W = '(?:\\S+ ){0,3}?';
const rule = (id: string, source: string) => ({ id, re: new RegExp(source.replaceAll(' ', '\\s+'), 'i') });

/** The built-in rules. They flag typical attacks; they cannot prove the absence of one. */
export const INJECTION_RULES: readonly InjectionRule[] = [
  rule('ignore_previous', `\\b(?:ignore|disregard|forget|skip|override|bypass|drop) ${W}(?:previous|prior|above|earlier|preceding|former|initial|original|all|any|your) ${W}(?:instructions?|prompts?|rules|directions|directives|guidelines|guardrails|context|commands|programming|constraints)\\b`),
  rule('ignore_everything', `\\b(?:ignore|disregard|forget) (?:everything|anything|all of (?:that|this|the above)) (?:above|before|so far|you (?:were|have been|ve been) (?:told|given))`),
  rule('new_instructions', `(?:^|[.!?:] )(?:new|updated|real|actual|revised) (?:system )?instructions?\\s*:`),
  rule('role_override', `\\b(?:you are now|from now on,? you are|act as|pretend to be|you will now act as) (?:an? )?(?:dan\\b|jailbroken|unfiltered|unrestricted|uncensored|evil|developer mode)`),
  rule('mode_switch', `\\b(?:developer|god|dan|jailbreak|unrestricted|sudo) mode (?:is )?(?:enabled|activated|on|unlocked)\\b`),
  rule('do_anything_now', `\\bdo anything now\\b`),
  rule('reveal_prompt', `\\b(?:reveal|show|print|repeat|output|display|tell me|leak|dump|give me|what (?:is|are)) (?:me )?(?:your|the) ${W}(?:system prompt|system message|initial (?:prompt|instructions)|hidden (?:prompt|instructions)|(?:instructions|text|words) (?:above|you were given))`),
  rule('no_restrictions', `\\b(?:pretend|act as if|imagine|assume) (?:that )?you (?:have no|are not bound by|are free (?:of|from)|don'?t have|do not have) ${W}(?:restrictions|rules|guidelines|filters|limits|limitations|policies|ethics)`),
  rule('disable_safety', `\\b(?:override|disable|turn off|bypass|ignore|deactivate) (?:your|the|all|any) ${W}(?:safety|content|moderation|ethical|security) (?:policy|policies|filters?|guidelines|rules|settings|restrictions)`),
  rule('template_tokens', `<\\|(?:im_start|im_end|system|endoftext|eot_id|start_header_id)\\|>|\\[/?inst\\]|<<sys>>`),
  rule('foreign_ignore', `\\b(?:ignoriere|vergiss) (?:alle )?(?:vorherigen|bisherigen|obigen) (?:anweisungen|regeln)|\\bignore[zr]? (?:toutes )?les instructions (?:précédentes|ci-dessus)|\\bignora (?:todas )?las instrucciones (?:anteriores|previas)`),
];

const NON_ASCII = /[^\x00-\x7F]/;

/**
 * Text as the rules read it: Unicode compatibility forms folded (full-width and styled letters become
 * plain) and invisible characters removed; plain ASCII text is returned as it is (the rules ignore
 * case and read any white space as one). So "ＩＧＮＯＲＥ previous instructions" and
 * "ig\u200Bnore …" are caught.
 */
export function normalizeForRules(text: string): string {
  return NON_ASCII.test(text) ? stripInvisible(text.normalize('NFKC')) : text;
}

// One pass over the text says whether any rule matches (about half the cost of testing each); only
// then are the rules tried one by one to name them.
const ANY_BUILT_IN = new RegExp(INJECTION_RULES.map((r) => `(?:${r.re.source})`).join('|'), 'i');

/** The ids of the rules that match `text` (already normalized). */
export function matchInjectionRules(normalized: string, rules: readonly InjectionRule[] = INJECTION_RULES): string[] {
  if (rules === INJECTION_RULES && !ANY_BUILT_IN.test(normalized)) return [];
  const hits: string[] = [];
  for (const r of rules) if (r.re.test(normalized)) hits.push(r.id);
  return hits;
}
