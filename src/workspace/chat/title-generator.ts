import type { ChatPrincipal, ChatRunEnd, ChatRunner } from './chat-runner.ts';

/** Model used to name conversations unless the workspace is given another: cheap and quick. */
export const DEFAULT_TITLE_MODEL = 'gpt-4o-mini';

const INSTRUCTIONS =
  'You name conversations. Reply with a title of at most six words for the conversation below. ' +
  'Reply with the title only: no quotes, no trailing punctuation.';

export interface GeneratedTitle {
  title: string;
  /** The model call, for the conversation's totals and its ledger link; undefined if none was made. */
  end: ChatRunEnd | undefined;
}

/**
 * A title for a conversation after its first exchange, asked of a cheap model through the same
 * runner (so it is admitted, billed and recorded as the person's). If the call fails or answers
 * nothing usable, the title is the start of the first message.
 */
export async function generateTitle(
  runner: ChatRunner,
  args: { principal: ChatPrincipal; conversationId: string; model: string; question: string; answer: string },
): Promise<GeneratedTitle> {
  let text = '';
  let end: ChatRunEnd | undefined;
  const messages = [
    { role: 'system' as const, content: INSTRUCTIONS },
    { role: 'user' as const, content: `User: ${args.question.slice(0, 1_500)}\n\nAssistant: ${args.answer.slice(0, 1_500)}` },
  ];
  for await (const e of runner.run({ principal: args.principal, conversationId: args.conversationId, model: args.model, messages, maxTokens: 24, signal: new AbortController().signal })) {
    if (e.type === 'delta') text += e.text;
    else end = e;
  }
  const title = end?.outcome === 'complete' ? cleanTitle(text) : undefined;
  return { title: title ?? fallbackTitle(args.question), end };
}

/** The first line of a model's answer, without quotes or markdown, at most 80 characters; undefined if empty. */
export function cleanTitle(text: string): string | undefined {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  const clean = line
    .replace(/^(title:\s*)/i, '')
    .replace(/[#*_`"“”]/g, '')
    .replace(/\p{Cc}/gu, '')
    .replace(/[.!?:;,]+$/, '')
    .trim();
  return clean.length === 0 ? undefined : cut(clean, 80);
}

/** The start of the first message as a title. */
export function fallbackTitle(question: string): string {
  const line = question.replace(/\p{Cc}+/gu, ' ').replace(/\s+/g, ' ').trim();
  return line.length === 0 ? 'New conversation' : cut(line, 60);
}

function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const at = s.lastIndexOf(' ', max - 1);
  return `${s.slice(0, at > max / 2 ? at : max - 1)}…`;
}
