import { ChevronLeft, ChevronRight, Pencil, RefreshCw } from 'lucide-react';
import { memo, useState } from 'react';
import type { Message } from '../../api/workspace-types.ts';
import { describeError } from '../../lib/error-text.ts';
import { ApiError } from '../../api/api-error.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button, IconButton } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { cx } from '../../ui/cx.ts';
import { Textarea } from '../../ui/field.tsx';
import { MessageContent } from './message-content.tsx';
import { MessageMeta } from './message-meta.tsx';

interface Props {
  message: Message;
  /** Position among its versions (siblings), for ‹ 2/3 ›. */
  branchIndex: number;
  branchCount: number;
  busy: boolean;
  /** The thread is scrolling fast: draw cheaply (see MessageContent). */
  scrolling?: boolean;
  onBranch: (message: Message, delta: -1 | 1) => void;
  onEdit: (message: Message, content: string) => void;
  onRegenerate: (message: Message) => void;
}

/** One message of the thread: text, reply details, and its actions (copy, edit, regenerate, ‹ 2/3 ›). */
export const MessageItem = memo(function MessageItem({ message: m, branchIndex, branchCount, busy, scrolling = false, onBranch, onEdit, onRegenerate }: Props) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(m.content);
  const user = m.role === 'user';
  return (
    <article aria-label={user ? 'You' : 'Assistant'} data-testid={`message-${m.role}`} data-message-id={m.id} className={cx('group flex flex-col gap-1 px-4 py-3', user && 'items-end')}>
      <div className={cx('max-w-[min(48rem,100%)]', user ? 'rounded-lg bg-accent-soft px-3 py-2' : 'w-full')}>
        {editing ? (
          <form
            className="flex w-[min(40rem,80vw)] flex-col gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              onEdit(m, text);
            }}
          >
            <Textarea aria-label="Edit your message" rows={4} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
            <div className="flex justify-end gap-2">
              <Button size="sm" onClick={() => setEditing(false)}>Cancel</Button>
              <Button size="sm" variant="primary" type="submit" disabled={!text.trim() || text === m.content}>
                Send as a new branch
              </Button>
            </div>
          </form>
        ) : user ? (
          <div className="whitespace-pre-wrap">{m.content}</div>
        ) : (
          <MessageContent text={m.content} cheap={scrolling} />
        )}
        {m.status === 'stopped' && <Badge tone="warn" className="mt-1">Stopped</Badge>}
        {m.status === 'error' && m.error && (
          <p role="alert" className="mt-1 text-sm text-danger">
            {describeError(new ApiError(400, m.error.code, m.error.message))}
          </p>
        )}
      </div>
      <div className="flex items-center gap-1">
        {branchCount > 1 && (
          <nav aria-label="Versions of this message" className="flex items-center text-xs text-fg-muted">
            <IconButton label="Previous version" size="sm" disabled={busy || branchIndex === 0} onClick={() => onBranch(m, -1)}>
              <ChevronLeft className="size-3.5" aria-hidden />
            </IconButton>
            <span data-testid="branch-position">
              {branchIndex + 1}/{branchCount}
            </span>
            <IconButton label="Next version" size="sm" disabled={busy || branchIndex === branchCount - 1} onClick={() => onBranch(m, 1)}>
              <ChevronRight className="size-3.5" aria-hidden />
            </IconButton>
          </nav>
        )}
        {!user && <MessageMeta m={m} />}
        <span className="flex items-center opacity-70 group-focus-within:opacity-100 group-hover:opacity-100">
          <CopyButton text={m.content} label="Copy" />
          {user && !editing && (
            <Button size="sm" variant="ghost" disabled={busy} onClick={() => { setText(m.content); setEditing(true); }}>
              <Pencil className="size-3.5" aria-hidden /> Edit
            </Button>
          )}
          {!user && (
            <Button size="sm" variant="ghost" disabled={busy} onClick={() => onRegenerate(m)}>
              <RefreshCw className="size-3.5" aria-hidden /> Regenerate
            </Button>
          )}
        </span>
      </div>
    </article>
  );
});

/** The reply while it streams (and the person's message until it is stored). */
export function StreamingItems({ pendingUser, text, model }: { pendingUser: string | null; text: string; model: string }) {
  return (
    <>
      {pendingUser !== null && (
        <article aria-label="You" className="flex flex-col items-end px-4 py-3" data-testid="message-user-pending">
          <div className="max-w-[min(48rem,100%)] rounded-lg bg-accent-soft px-3 py-2 whitespace-pre-wrap opacity-80">{pendingUser}</div>
        </article>
      )}
      <article aria-label="Assistant, replying" aria-busy="true" className="flex flex-col gap-1 px-4 py-3" data-testid="message-streaming">
        {text ? <MessageContent text={text} /> : <p className="animate-pulse text-fg-muted">Thinking…</p>}
        <p className="text-xs text-fg-muted">{model} · replying…</p>
      </article>
    </>
  );
}
