import type { ReactElement } from 'react';

/**
 * Messages already rendered as Markdown, by text (most recent last, at most 1,000): scrolling back
 * to a message, or reopening a conversation, draws it without parsing it again.
 */
export const markdownCache = new Map<string, ReactElement>();

export function rememberMarkdown(text: string, element: ReactElement): void {
  if (markdownCache.size >= 1000) markdownCache.delete(markdownCache.keys().next().value!);
  markdownCache.set(text, element);
}
