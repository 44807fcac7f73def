import { Check, Copy } from 'lucide-react';
import { isValidElement, memo, useState, type ComponentProps, type ReactElement, type ReactNode } from 'react';
import ReactMarkdown from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { markdownCache, rememberMarkdown } from './markdown-cache.ts';

/** Text of a React tree (the code inside a highlighted <pre>), for the copy button. */
function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (node && typeof node === 'object' && 'props' in node) return textOf((node.props as { children?: ReactNode }).children);
  return '';
}

function CodeBlock({ children, ...rest }: ComponentProps<'pre'>) {
  const [copied, setCopied] = useState(false);
  const code = textOf(children);
  const className = isValidElement(children) ? ((children.props as { className?: string }).className ?? '') : '';
  const lang = /language-([\w-]+)/.exec(className)?.[1];
  return (
    <div className="group relative rounded-md border border-line bg-subtle">
      <div className="flex items-center justify-between border-b border-line px-3 py-1 text-xs text-fg-muted">
        <span>{lang ?? 'code'}</span>
        <button
          type="button"
          className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 hover:bg-muted"
          onClick={() => {
            void navigator.clipboard.writeText(code).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          {copied ? <Check className="size-3.5" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
          <span aria-live="polite">{copied ? 'Copied' : 'Copy code'}</span>
        </button>
      </div>
      <pre {...rest} tabIndex={0} className="overflow-x-auto p-3 font-mono text-[13px] leading-relaxed">
        {children}
      </pre>
    </div>
  );
}

const REMARK = [remarkGfm];
// Only fenced code that names its language is highlighted: guessing the language runs every grammar
// over every block, which made a long thread slow to open and to scroll.
const REHYPE = [[rehypeHighlight, { detect: false }]] as const;

/** Renders Markdown to React elements once per text (react-markdown's Markdown is a pure function). */
export function renderMarkdown(text: string): ReactElement {
  const hit = markdownCache.get(text);
  if (hit) return hit;
  const element = (
    <div className="prose-chat">
      {ReactMarkdown({
        children: text,
        remarkPlugins: REMARK,
        rehypePlugins: REHYPE as never,
        components: {
          pre: CodeBlock,
          a: ({ children, href }) => (
            <a href={href} target="_blank" rel="noopener noreferrer">
              {children}
            </a>
          ),
        },
      })}
    </div>
  );
  rememberMarkdown(text, element);
  return element;
}

/**
 * A message rendered as Markdown (GitHub flavour) with highlighted code and a copy button per block.
 * Raw HTML in the text is shown as text, never rendered; links open in a new tab without a referrer.
 */
export default memo(function Markdown({ text }: { text: string }) {
  return renderMarkdown(text);
});
