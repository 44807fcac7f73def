import { Pin } from 'lucide-react';
import { NavLink } from 'react-router';
import type { ConversationSummary } from '../../api/workspace-types.ts';
import { formatUsdText } from '../../lib/money.ts';
import { cx } from '../../ui/cx.ts';

/** One conversation in the list: its title and what it has cost. */
export function ConversationLink({ c, onOpen }: { c: ConversationSummary; onOpen?: (() => void) | undefined }) {
  return (
    <NavLink
      to={`/c/${c.id}`}
      onClick={onOpen}
      data-testid="conversation-link"
      className={({ isActive }) => cx('flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-muted', isActive && 'bg-muted font-medium')}
    >
      {c.pinned && <Pin className="size-3 shrink-0 text-fg-muted" aria-label="Pinned" />}
      <span className="min-w-0 flex-1 truncate">{c.title || 'New conversation'}</span>
      <span className="shrink-0 text-xs text-fg-muted tabular-nums" title={`${c.message_count} messages, ${c.prompt_tokens + c.completion_tokens} tokens`}>
        {formatUsdText(c.cost_usd)}
      </span>
    </NavLink>
  );
}
