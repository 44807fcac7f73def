import { scanText } from '../detectors/pii-scan.ts';
import type { GuardFinding } from '../evaluate/evaluate.ts';
import { redactedMark } from '../evaluate/placeholders.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { matchInjectionRules, normalizeForRules } from '../rules/injection-rules.ts';
import { countInvisible, stripInvisible } from '../rules/invisible-characters.ts';
import { PlaceholderRestorer } from './placeholder-restorer.ts';

export interface StreamScannerOptions {
  /**
   * Characters held back at the end of the stream: a secret or number of up to this length split
   * across chunks is still seen whole. It is also the delay: a character goes out once this many more
   * have arrived (or the stream ends). Default 256.
   */
  windowChars?: number;
  /** Most characters ever held (a long match, e.g. a PEM key body, may hold more than the window). Default 16,384. */
  maxHoldChars?: number;
  /** The input verdict's placeholders, restored in what goes out. */
  restore?: ReadonlyMap<string, string> | undefined;
}

/** What to send now: `text` (may be empty), or `blocked` naming the rule: then cut the stream with an error event. */
export interface StreamStep {
  text: string;
  blocked: string | undefined;
}

// Detectors look at most a couple of characters past a match (`(?!\d)`, `(?!\.\d)`): a finding ending
// this close to what has arrived may still grow, so it is not acted on until more comes.
const SETTLE = 2;
const CONTEXT = 64;

/**
 * Applies a policy's output rules to a streamed reply. Text is held in a small window so that a card
 * number or key split across chunks is matched whole; what leaves the window is redacted, and a block
 * rule stops the stream (the caller ends it with an error event). Memory per stream is bounded by
 * maxHoldChars.
 * @example
 * const scan = new OutputStreamScanner(policy, { restore: inputVerdict.restore });
 * for await (const delta of deltas) { const s = scan.push(delta); if (s.blocked) return cut(s.blocked); send(s.text); }
 * send(scan.end().text);
 */
export class OutputStreamScanner {
  readonly findings: GuardFinding[] = [];
  readonly flags = new Set<string>();
  readonly #policy: CompiledPolicy | undefined;
  readonly #window: number;
  readonly #maxHold: number;
  readonly #restorer: PlaceholderRestorer | undefined;
  readonly #active: boolean;
  #held = '';
  #left = '';
  #emitted = 0;
  #blocked: string | undefined;

  constructor(policy: CompiledPolicy | undefined, options: StreamScannerOptions = {}) {
    this.#policy = policy;
    this.#window = options.windowChars ?? 256;
    this.#maxHold = Math.max(options.maxHoldChars ?? 16_384, this.#window * 2);
    this.#restorer = options.restore && options.restore.size > 0 ? new PlaceholderRestorer(options.restore) : undefined;
    this.#active = policy?.output.active === true;
  }

  /** Takes the next chunk; returns what may be sent now. */
  push(chunk: string): StreamStep {
    if (this.#blocked) return { text: '', blocked: this.#blocked };
    if (!this.#active) return this.#out(chunk);
    const dir = this.#policy!.output;
    let text = chunk;
    if (dir.invisible !== 'off' && countInvisible(text) > 0) {
      this.flags.add('invisible_characters');
      if (dir.invisible === 'block') return this.#block('output.injection.invisible_characters');
      if (dir.invisible === 'strip') text = stripInvisible(text);
    }
    this.#held += text;
    return this.#drain(false);
  }

  /** The stream ended: everything held is checked and sent. */
  end(): StreamStep {
    if (this.#blocked) return { text: '', blocked: this.#blocked };
    if (!this.#active) return { text: this.#restorer?.end() ?? '', blocked: undefined };
    const step = this.#drain(true);
    if (step.blocked) return step;
    return { text: step.text + (this.#restorer?.end() ?? ''), blocked: undefined };
  }

  #drain(final: boolean): StreamStep {
    const dir = this.#policy!.output;
    const scanned = this.#left + this.#held;
    const offset = this.#left.length;
    if (dir.phrases !== 'off') {
      const hits = matchInjectionRules(normalizeForRules(scanned));
      for (const h of hits) this.flags.add(`injection:${h}`);
      if (hits.length > 0 && dir.phrases === 'block') return this.#block('output.injection.phrases');
    }
    const len = scanned.length;
    // Findings that started in text already sent cannot be changed; they were scanned when it was held.
    const found = scanText(scanned, dir.detectors).filter((f) => f.start >= offset);
    let cut = final ? len : Math.max(offset, len - this.#window);
    for (const f of found) {
      const settled = final || f.end <= len - SETTLE;
      if (!settled) cut = Math.min(cut, f.start);
      else if (dir.actions.get(f.detector) === 'block') return this.#block(f.detector.startsWith('custom:') ? `output.custom.${f.detector.slice(7)}` : `output.pii.${f.detector}`);
      else if (f.start < cut && f.end > cut) cut = f.start;
    }
    // Bounded memory: past maxHold, send up to the window even through a long match (redacted as far as it goes).
    if (!final && len - cut > this.#maxHold) cut = Math.max(offset, len - this.#window);
    let out = '';
    let last = offset;
    for (const f of found) {
      if (f.start >= cut) break;
      const action = this.#policy!.output.actions.get(f.detector) ?? 'flag';
      this.findings.push({ detector: f.detector, ...(f.kind ? { kind: f.kind } : {}), action, message: -1, part: -1, start: this.#emitted + f.start - offset, end: this.#emitted + Math.min(f.end, cut) - offset });
      if (action === 'redact') {
        out += scanned.slice(last, f.start) + redactedMark(f.detector);
        last = Math.min(f.end, cut);
      }
    }
    out += scanned.slice(last, cut);
    this.#emitted += cut - offset;
    this.#left = scanned.slice(Math.max(0, cut - CONTEXT), cut);
    this.#held = scanned.slice(cut);
    return this.#out(out);
  }

  #out(text: string): StreamStep {
    return { text: this.#restorer ? this.#restorer.push(text) : text, blocked: undefined };
  }

  #block(rule: string): StreamStep {
    this.#blocked = rule;
    this.#held = '';
    return { text: '', blocked: rule };
  }
}
