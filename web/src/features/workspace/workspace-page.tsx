import { Keyboard, PanelLeft, PanelRight } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { AppHeader } from '../../app/app-header.tsx';
import { Button, IconButton } from '../../ui/button.tsx';
import { cx } from '../../ui/cx.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { ChatPanel } from '../chat/chat-panel.tsx';
import { preloadMarkdown } from '../chat/message-content.tsx';
import { newestLeafUnder } from '../chat/message-tree.ts';
import { ConversationsPanel } from '../conversations/conversations-panel.tsx';
import { EnterprisePanel } from '../enterprise/enterprise-panel.tsx';
import { IntelligencePanel } from '../intelligence/intelligence-panel.tsx';
import { useShortcuts, type Shortcut } from './use-shortcuts.ts';
import { useWorkspace, WorkspaceProvider } from './workspace-context.tsx';

/** `/` and `/c/:id`: the four panels (Conversations, Chat, Intelligence, Enterprise). */
export function WorkspacePage() {
  const { id } = useParams();
  return (
    <WorkspaceProvider conversationId={id}>
      <WorkspaceLayout />
    </WorkspaceProvider>
  );
}

function WorkspaceLayout() {
  const ws = useWorkspace();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [leftOpen, setLeftOpen] = useState(false);
  const [rightOpen, setRightOpen] = useState(false);
  const [help, setHelp] = useState(false);

  useEffect(preloadMarkdown, []);
  useEffect(() => {
    document.title = ws.conversation?.title ? `${ws.conversation.title} · Tollgate` : 'Tollgate';
  }, [ws.conversation?.title]);

  // A search hit opens the branch holding the message found.
  const hit = params.get('m');
  const { conversationId, tree, setLeaf } = ws;
  useEffect(() => {
    if (hit && conversationId && tree.byId.has(hit)) setLeaf(conversationId, newestLeafUnder(tree, hit));
  }, [hit, conversationId, tree, setLeaf]);

  const shortcuts = useMemo<Shortcut[]>(
    () => [
      {
        keys: 'mod+k',
        description: 'Search conversations',
        run: () => {
          setLeftOpen(true);
          // At once, so what is typed next lands in the box; on a narrow window the drawer opens first.
          ws.searchRef.current?.focus();
          if (document.activeElement !== ws.searchRef.current) requestAnimationFrame(() => ws.searchRef.current?.focus());
        },
      },
      { keys: 'mod+shift+o', description: 'New conversation', run: () => { navigate('/'); requestAnimationFrame(() => ws.composerRef.current?.focus()); } },
      { keys: 'mod+/', description: 'Insert a template', run: () => ws.openTemplates() },
      { keys: '?', description: 'Show keyboard shortcuts', run: () => setHelp(true) },
    ],
    [navigate, ws],
  );
  useShortcuts(shortcuts);

  return (
    <div className="flex h-full flex-col">
      <AppHeader>
        {/* On a narrow window the side panels become drawers, opened from here (above them). */}
        <IconButton label="Conversations" aria-expanded={leftOpen} onClick={() => { setLeftOpen(!leftOpen); setRightOpen(false); }} className="md:hidden">
          <PanelLeft className="size-4" aria-hidden />
        </IconButton>
        <IconButton label="Insights and spend" aria-expanded={rightOpen} onClick={() => { setRightOpen(!rightOpen); setLeftOpen(false); }} className="lg:hidden">
          <PanelRight className="size-4" aria-hidden />
        </IconButton>
        <IconButton label="Keyboard shortcuts" onClick={() => setHelp(true)} className="max-sm:hidden">
          <Keyboard className="size-4" aria-hidden />
        </IconButton>
      </AppHeader>
      <div
        className="relative flex min-h-0 flex-1"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && (leftOpen || rightOpen)) {
            setLeftOpen(false);
            setRightOpen(false);
          }
        }}
      >
        {(leftOpen || rightOpen) && <div className="fixed inset-x-0 top-12 bottom-0 z-20 bg-black/30 lg:hidden" aria-hidden onClick={() => { setLeftOpen(false); setRightOpen(false); }} />}
        <div className={cx('z-30 h-full max-md:fixed max-md:top-12 max-md:bottom-0 max-md:left-0 max-md:h-auto max-md:shadow-xl', !leftOpen && 'max-md:hidden')}>
          <ConversationsPanel onNavigate={() => setLeftOpen(false)} />
        </div>
        <ChatPanel />
        <aside
          aria-label="Insights"
          className={cx(
            'z-30 flex w-88 shrink-0 flex-col overflow-y-auto border-l border-line bg-bg max-lg:fixed max-lg:top-12 max-lg:right-0 max-lg:bottom-0 max-lg:shadow-xl',
            !rightOpen && 'max-lg:hidden',
          )}
        >
          <IntelligencePanel />
          <EnterprisePanel />
        </aside>
      </div>
      <Dialog open={help} onOpenChange={setHelp} title="Keyboard shortcuts" footer={<Button onClick={() => setHelp(false)}>Close</Button>}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt><kbd>Enter</kbd></dt>
          <dd>Send the message</dd>
          <dt><kbd>Shift</kbd>+<kbd>Enter</kbd></dt>
          <dd>New line in the message</dd>
          <dt><kbd>Escape</kbd></dt>
          <dd>Stop the reply (in the message box)</dd>
          {shortcuts.map((s) => (
            <div key={s.keys} className="contents">
              <dt>
                <kbd>{s.keys.replace('mod', 'Ctrl/⌘').replaceAll('+', ' + ').replace('shift', 'Shift').toUpperCase().replace('CTRL/⌘', 'Ctrl/⌘')}</kbd>
              </dt>
              <dd>{s.description}</dd>
            </div>
          ))}
        </dl>
      </Dialog>
    </div>
  );
}
