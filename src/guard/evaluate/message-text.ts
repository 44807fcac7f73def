/**
 * The shapes of prompt the guard reads: a string, or chat messages whose `content` is a string or a
 * list of parts (text parts carry `text`; image, audio and file parts are left alone).
 */
export interface GuardMessage {
  role?: string;
  content?: string | readonly GuardPart[] | null;
  [key: string]: unknown;
}

export interface GuardPart {
  type?: string;
  text?: string;
  [key: string]: unknown;
}

export type GuardInput = string | readonly GuardMessage[];

/** Where a piece of text sits: message index and part index (-1: the content string itself). */
export interface TextLocation {
  message: number;
  part: number;
}

/** Calls `visit` for each text of the input, in order. */
export function forEachText(input: GuardInput, visit: (text: string, at: TextLocation) => void): void {
  if (typeof input === 'string') {
    visit(input, { message: -1, part: -1 });
    return;
  }
  for (let m = 0; m < input.length; m++) {
    const content = input[m]!.content;
    if (typeof content === 'string') visit(content, { message: m, part: -1 });
    else if (Array.isArray(content)) {
      for (let p = 0; p < content.length; p++) {
        const text = (content[p] as GuardPart).text;
        if (typeof text === 'string') visit(text, { message: m, part: p });
      }
    }
  }
}

/**
 * A copy of the input with some texts replaced (`replaced` keyed by `message:part`); objects that
 * did not change are shared, not copied.
 */
export function withTexts<T extends GuardInput>(input: T, replaced: ReadonlyMap<string, string>): T {
  if (replaced.size === 0) return input;
  if (typeof input === 'string') return (replaced.get('-1:-1') ?? input) as T;
  return (input as readonly GuardMessage[]).map((msg, m) => {
    const content = msg.content;
    if (typeof content === 'string') {
      const r = replaced.get(`${m}:-1`);
      return r === undefined ? msg : { ...msg, content: r };
    }
    if (!Array.isArray(content)) return msg;
    let changed = false;
    const parts = content.map((part: GuardPart, p: number) => {
      const r = replaced.get(`${m}:${p}`);
      if (r === undefined) return part;
      changed = true;
      return { ...part, text: r };
    });
    return changed ? { ...msg, content: parts } : msg;
  }) as unknown as T;
}
