import { lazy, Suspense } from 'react';

const Markdown = lazy(() => import('./markdown.tsx'));

/** Starts loading the Markdown renderer early (the workspace calls it on mount). */
export function preloadMarkdown(): void {
  void import('./markdown.tsx');
}

/** An assistant message as Markdown; plain text while the renderer loads. */
export function MessageContent({ text }: { text: string }) {
  const plain = <div className="whitespace-pre-wrap">{text}</div>;
  return (
    <Suspense fallback={plain}>
      <Markdown text={text} />
    </Suspense>
  );
}
