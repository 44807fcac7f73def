import { restorePlaceholders } from '../evaluate/placeholders.ts';

const PARTIAL = /\[[A-Z0-9_]{0,32}\d{0,6}$/;

/**
 * Restores prompt placeholders (`[EMAIL_1]`) in streamed text. A placeholder split across chunks is
 * held back until it is complete: at most 40 characters, and only while the tail still looks like one.
 */
export class PlaceholderRestorer {
  #held = '';
  constructor(private readonly restore: ReadonlyMap<string, string>) {}

  push(text: string): string {
    const all = this.#held + text;
    const open = all.lastIndexOf('[');
    if (open >= 0 && all.length - open < 40 && PARTIAL.test(all.slice(open))) {
      this.#held = all.slice(open);
      return restorePlaceholders(all.slice(0, open), this.restore);
    }
    this.#held = '';
    return restorePlaceholders(all, this.restore);
  }

  end(): string {
    const rest = this.#held;
    this.#held = '';
    return restorePlaceholders(rest, this.restore);
  }
}
