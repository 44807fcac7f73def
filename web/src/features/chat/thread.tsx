import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { Message } from '../../api/workspace-types.ts';
import { MessageItem, StreamingItems } from './message-item.tsx';
import { siblingsOf, type MessageTree } from './message-tree.ts';
import type { StreamingTurn } from './use-chat-turn.ts';

interface Props {
  conversationKey: string;
  branch: Message[];
  tree: MessageTree;
  streaming: StreamingTurn | null;
  /** Shown after the last message (an error of the last turn). */
  footer?: ReactNode;
  onBranch: (message: Message, delta: -1 | 1) => void;
  onEdit: (message: Message, content: string) => void;
  onRegenerate: (message: Message) => void;
}

const NEAR_BOTTOM_PX = 120;

/**
 * The thread of the open branch, virtualized: only the messages in view (and a few around) are in
 * the page, so a conversation of thousands of messages opens and scrolls like a short one. It
 * follows the reply as it streams while the person is at the bottom, and stays put when they have
 * scrolled up to read.
 */
export function Thread({ conversationKey, branch, tree, streaming, footer, onBranch, onEdit, onRegenerate }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const extra = (streaming ? 1 : 0) + (footer ? 1 : 0);
  const count = branch.length + extra;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => 140,
    // Open at the end: the first render draws the last messages, not the first ones.
    initialOffset: () => count * 140,
    overscan: 4,
    getItemKey: (i) => (i < branch.length ? branch[i]!.id : i === branch.length && streaming ? 'streaming' : 'footer'),
  });

  const toBottom = useCallback(() => {
    if (count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [virtualizer, count]);

  // A conversation opens at its end.
  useLayoutEffect(() => {
    stick.current = true;
    toBottom();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conversationKey]);

  // New content follows the person only while they are at the bottom.
  useEffect(() => {
    if (stick.current) toBottom();
  }, [count, streaming?.text, toBottom]);

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scroller}
      role="log"
      aria-label="Conversation"
      data-testid="thread"
      className="min-h-0 flex-1 overflow-y-auto"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
      }}
    >
      <div className="relative mx-auto w-full max-w-4xl" style={{ height: virtualizer.getTotalSize() }}>
        <div className="absolute top-0 left-0 w-full" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
          {items.map((row) => (
            <div key={row.key} data-index={row.index} ref={virtualizer.measureElement}>
              {row.index < branch.length ? (
                <MessageItem
                  message={branch[row.index]!}
                  branchIndex={siblingsOf(tree, branch[row.index]!).index}
                  branchCount={siblingsOf(tree, branch[row.index]!).count}
                  busy={streaming !== null}
                  // Cheap drawing only while the person scrolls through the thread, not while it follows the end.
                  scrolling={virtualizer.isScrolling && !stick.current}
                  onBranch={onBranch}
                  onEdit={onEdit}
                  onRegenerate={onRegenerate}
                />
              ) : row.index === branch.length && streaming ? (
                <StreamingItems pendingUser={streaming.pendingUser} text={streaming.text} model={streaming.model} />
              ) : (
                <div className="px-4 py-3">{footer}</div>
              )}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
