import { lazy, Suspense, useDeferredValue } from 'react';
import { markdownCache } from './markdown-cache.ts';

const Markdown = lazy(() => import('./markdown.tsx'));

/** Starts loading the Markdown renderer early (the workspace calls it on mount). */
export function preloadMarkdown(): void {
  void import('./markdown.tsx');
}

/**
 * An assistant message as Markdown. A message not rendered before is first drawn as plain text and
 * formatted in a background render right after (React's deferred value), so opening a long
 * conversation shows its messages at once and formats them without blocking the page; a message
 * already formatted comes from the cache. With `cheap` (the person is scrolling fast) it stays plain
 * until the scrolling stops, so frames stay short.
 */
export function MessageContent({ text, cheap = false }: { text: string; cheap?: boolean }) {
  const rich = useDeferredValue(true, false);
  const plain = <div className="whitespace-pre-wrap">{text}</div>;
  const cached = markdownCache.get(text);
  if (cached) return cached;
  if (cheap || !rich) return plain;
  return (
    <Suspense fallback={plain}>
      <Markdown text={text} />
    </Suspense>
  );
}
