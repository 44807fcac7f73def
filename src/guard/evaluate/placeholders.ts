/**
 * Placeholders for redacted values: `[EMAIL_1]`, `[CREDIT_CARD_2]`, … numbered per kind within one
 * request, the same value always getting the same placeholder, so the model still sees that two
 * mentions are the same person or card.
 */
export class Placeholders {
  readonly #byValue = new Map<string, string>();
  readonly #counts = new Map<string, number>();
  /** Placeholder → original value, for restoring (only kept when asked for). */
  readonly restore: Map<string, string> | undefined;

  constructor(keepForRestore: boolean) {
    this.restore = keepForRestore ? new Map() : undefined;
  }

  /** The placeholder for `value` found by `detector` (`email`, `custom:codes`). */
  for(detector: string, value: string): string {
    const key = `${detector}\u0000${value}`;
    const known = this.#byValue.get(key);
    if (known) return known;
    const tag = placeholderTag(detector);
    const n = (this.#counts.get(tag) ?? 0) + 1;
    this.#counts.set(tag, n);
    const ph = `[${tag}_${n}]`;
    this.#byValue.set(key, ph);
    this.restore?.set(ph, value);
    return ph;
  }
}

/** `email` → `EMAIL`, `custom:project-codes` → `PROJECT_CODES`. */
export function placeholderTag(detector: string): string {
  return detector.replace(/^custom:/, '').toUpperCase().replace(/[^A-Z0-9]+/g, '_').slice(0, 32);
}

/** What an output redaction leaves: `[EMAIL_REDACTED]`, never a restorable placeholder. */
export function redactedMark(detector: string): string {
  return `[${placeholderTag(detector)}_REDACTED]`;
}

const PLACEHOLDER = /\[[A-Z0-9_]{1,32}_\d{1,6}\]/g;

/** Replaces the placeholders of `restore` in `text` by their values; others stay as they are. */
export function restorePlaceholders(text: string, restore: ReadonlyMap<string, string> | undefined): string {
  if (!restore || restore.size === 0 || !text.includes('[')) return text;
  return text.replace(PLACEHOLDER, (ph) => restore.get(ph) ?? ph);
}
