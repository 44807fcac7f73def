import { Plus, Search } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../../api/api-error.ts';
import { useConversations, useConversationSearch, useFolders } from '../../api/workspace.ts';
import { Button } from '../../ui/button.tsx';
import { Select } from '../../ui/field.tsx';
import { ErrorState, LoadingState } from '../../ui/states.tsx';
import { useWorkspace } from '../workspace/workspace-context.tsx';
import { ConversationLink } from './conversation-link.tsx';
import { DATE_GROUPS, groupByDate } from './group-by-date.ts';
import { TemplatesSection } from './templates-section.tsx';

/** The Conversations panel: new, search, folders, pinned and recent conversations with their cost, templates. */
export function ConversationsPanel({ onNavigate }: { onNavigate?: (() => void) | undefined }) {
  const navigate = useNavigate();
  const { searchRef } = useWorkspace();
  const [query, setQuery] = useState('');
  const [settled, setSettled] = useState('');
  const [folder, setFolder] = useState('');
  const [archived, setArchived] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setSettled(query.trim()), 250);
    return () => clearTimeout(t);
  }, [query]);
  const list = useConversations({ ...(folder ? { folder } : {}), ...(archived ? { archived: true } : {}) });
  const folders = useFolders();
  const search = useConversationSearch(settled);
  const missing = isApiError(list.error) && list.error.isMissingRoute;
  const items = list.data?.data ?? [];
  const pinned = items.filter((c) => c.pinned);
  const groups = useMemo(() => groupByDate(items.filter((c) => !c.pinned)), [items]);

  return (
    <nav aria-label="Conversations" data-testid="conversations-panel" className="flex h-full w-64 shrink-0 flex-col border-r border-line bg-subtle">
      <div className="flex flex-col gap-2 p-2">
        <Button variant="primary" onClick={() => { navigate('/'); onNavigate?.(); }} title="New conversation (Ctrl+Shift+O)">
          <Plus className="size-4" aria-hidden /> New conversation
        </Button>
        <div className="relative">
          <Search className="pointer-events-none absolute top-2.5 left-2 size-4 text-fg-muted" aria-hidden />
          <input
            ref={searchRef}
            type="search"
            aria-label="Search conversations (Ctrl+K)"
            placeholder="Search (Ctrl+K)"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setQuery('')}
            className="h-9 w-full rounded-md border border-line bg-bg pr-2 pl-8 text-sm outline-none focus:border-accent"
            disabled={missing}
          />
        </div>
        {(folders.data?.data.length ?? 0) > 0 && (
          <Select aria-label="Folder" value={folder} onChange={(e) => setFolder(e.target.value)} className="h-8 text-xs">
            <option value="">All folders</option>
            {folders.data!.data.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} ({f.count})
              </option>
            ))}
          </Select>
        )}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        {missing ? (
          <p className="px-1 py-2 text-sm text-fg-muted">
            Conversation history, search and folders are not available on this server yet. They arrive with the workspace service.
          </p>
        ) : settled ? (
          <SearchResults q={settled} search={search} onOpen={onNavigate} />
        ) : list.isPending ? (
          <LoadingState label="Loading conversations…" />
        ) : list.error ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <p className="px-1 py-2 text-sm text-fg-muted">{archived ? 'Nothing archived.' : 'No conversations yet. Your first message starts one.'}</p>
        ) : (
          <>
            {pinned.length > 0 && <Group title="Pinned">{pinned.map((c) => <ConversationLink key={c.id} c={c} onOpen={onNavigate} />)}</Group>}
            {DATE_GROUPS.map((g) =>
              groups.get(g)!.length ? (
                <Group key={g} title={g}>
                  {groups.get(g)!.map((c) => (
                    <ConversationLink key={c.id} c={c} onOpen={onNavigate} />
                  ))}
                </Group>
              ) : null,
            )}
          </>
        )}
        {!missing && (
          <button type="button" className="mt-2 px-1 text-xs text-fg-muted underline" onClick={() => setArchived(!archived)}>
            {archived ? 'Back to active conversations' : 'Show archived'}
          </button>
        )}
      </div>
      <TemplatesSection />
    </nav>
  );
}

function Group({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="mt-2" aria-label={title}>
      <h3 className="px-2 pb-1 text-xs font-medium text-fg-muted">{title}</h3>
      <div className="flex flex-col">{children}</div>
    </section>
  );
}

/** The snippet with the words searched for marked (the server sends plain text). */
function Highlight({ text, query }: { text: string; query: string }) {
  const words = query.split(/\s+/).filter((w) => w.length > 1).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return <>{text}</>;
  const parts = text.split(new RegExp(`(${words.join('|')})`, 'gi'));
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i} className="rounded bg-warn-soft px-0.5 text-fg">{p}</mark> : p))}</>;
}

function SearchResults({ q, search, onOpen }: { q: string; search: ReturnType<typeof useConversationSearch>; onOpen: (() => void) | undefined }) {
  if (search.isPending) return <LoadingState label="Searching…" />;
  if (search.error || !search.data) return <ErrorState error={search.error} />;
  const hits = search.data.data;
  if (hits.length === 0) return <p className="px-1 py-2 text-sm text-fg-muted">Nothing matches “{q}”.</p>;
  return (
    <ul aria-label={`Results for ${q}`} className="flex flex-col gap-1" data-testid="search-results">
      {hits.map((h) => (
        <li key={`${h.conversation_id}:${h.message_id ?? ''}`}>
          <Link
            to={`/c/${h.conversation_id}${h.message_id ? `?m=${encodeURIComponent(h.message_id)}` : ''}`}
            onClick={onOpen}
            className="block rounded-md px-2 py-1.5 hover:bg-muted"
          >
            <span className="block truncate text-sm font-medium">{h.title || 'New conversation'}</span>
            <span className="line-clamp-2 text-xs text-fg-muted">
              <Highlight text={h.snippet} query={q} />
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
