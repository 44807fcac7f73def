import { judgeModeration, type Moderator, type ModerationThresholds } from '../../guard/index.ts';
import type { StreamKind } from '../reply/sse-relay.ts';

/** Text held back per moderation check of a stream: the client sees a stream in bursts of about this many characters. */
export const MODERATION_WINDOW_CHARS = 1_000;

/** What a check of the held text decided. */
export type WindowVerdict = { ok: true; out: string } | { ok: false; blockedBy: string } | { ok: false; failed: unknown };

/**
 * Output moderation of a stream: the events about to go out are held (with their text) until about
 * MODERATION_WINDOW_CHARS characters of text or the stream's end, then the held text goes to the
 * moderator, and only then are the events released; a block category cuts the stream before that
 * text reaches the client. Bounded: at most one window of text (and its events) is held.
 * Flag categories are collected for the audit record.
 */
export class StreamModeration {
  readonly flagged = new Set<string>();
  #events = '';
  #text = '';

  constructor(
    private readonly moderator: Moderator,
    private readonly thresholds: ModerationThresholds,
  ) {}

  /** Holds events about to be sent and the model text they carry. */
  hold(events: string, text: string): void {
    this.#events += events;
    this.#text += text;
  }

  /** Whether enough text is held to check it now. */
  get due(): boolean {
    return this.#text.length >= MODERATION_WINDOW_CHARS;
  }

  /** Checks the held text (nothing to check: releases at once) and hands back the events to send. */
  async check(): Promise<WindowVerdict> {
    const out = this.#events;
    const text = this.#text;
    this.#events = '';
    this.#text = '';
    if (text.trim() === '') return { ok: true, out };
    let scores;
    try {
      scores = await this.moderator.moderate([text]);
    } catch (err) {
      return { ok: false, failed: err };
    }
    const judged = judgeModeration(this.thresholds, scores);
    for (const h of judged.hits) if (h.action === 'flag') this.flagged.add(`output.moderation.${h.category}`);
    const block = judged.hits.find((h) => h.action === 'block');
    return block ? { ok: false, blockedBy: `output.moderation.${block.category}` } : { ok: true, out };
  }
}

/** The model text an SSE event carries (after the guard rewrote it): chat and completions choices, Responses text deltas. */
export function eventText(obj: Record<string, unknown>, kind: StreamKind): string {
  if (kind === 'responses') return obj.type === 'response.output_text.delta' && typeof obj.delta === 'string' ? obj.delta : '';
  let text = '';
  if (!Array.isArray(obj.choices)) return text;
  for (const choice of obj.choices as { delta?: { content?: unknown }; text?: unknown }[]) {
    const t = kind === 'chat' ? choice?.delta?.content : choice?.text;
    if (typeof t === 'string') text += t;
  }
  return text;
}
