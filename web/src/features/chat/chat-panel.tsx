import { MessageSquarePlus } from 'lucide-react';
import { useCallback } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { updateConversation, useConversations } from '../../api/workspace.ts';
import type { Message } from '../../api/workspace-types.ts';
import { describeError } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { TemplateDialog } from '../templates/template-dialog.tsx';
import { useWorkspace } from '../workspace/workspace-context.tsx';
import { ChatHeader } from './chat-header.tsx';
import { Composer } from './composer.tsx';
import { newestLeafUnder, siblingsOf } from './message-tree.ts';
import { Thread } from './thread.tsx';
import { useChatTurn } from './use-chat-turn.ts';

/** The Chat panel: the open conversation's thread and the composer. */
export function ChatPanel() {
  const ws = useWorkspace();
  const turn = useChatTurn();
  const list = useConversations({});
  const backendMissing = isApiError(list.error) && list.error.isMissingRoute;
  const { conversationId, conversation, conversationQuery, messagesQuery, tree, setLeaf } = ws;

  const onBranch = useCallback(
    (m: Message, delta: -1 | 1) => {
      if (!conversationId) return;
      const { siblings, index } = siblingsOf(tree, m);
      const target = siblings[index + delta];
      if (!target) return;
      const leaf = newestLeafUnder(tree, target.id);
      setLeaf(conversationId, leaf);
      if (leaf) void updateConversation(conversationId, { current_leaf_id: leaf }).catch(() => undefined);
    },
    [conversationId, tree, setLeaf],
  );

  const errorFooter = turn.turnError ? (
    <Notice tone="danger">
      <p data-testid="turn-error">{describeError(turn.turnError.error)}</p>
      <Button size="sm" className="mt-2" onClick={turn.dismissError}>Dismiss</Button>
    </Notice>
  ) : null;

  let body;
  if (conversationId && (conversationQuery.isPending || messagesQuery.isPending)) {
    body = <LoadingState label="Opening the conversation…" className="flex-1 justify-center" />;
  } else if (conversationId && (conversationQuery.error || messagesQuery.error)) {
    body = (
      <div className="flex-1 p-6">
        <ErrorState error={conversationQuery.error ?? messagesQuery.error} title="This conversation could not be opened" onRetry={() => void conversationQuery.refetch()} />
      </div>
    );
  } else if (ws.branch.length === 0 && !turn.streaming) {
    body = (
      <div className="flex flex-1 flex-col items-center justify-center gap-3 overflow-y-auto p-6">
        <EmptyState title="Start a conversation" icon={<MessageSquarePlus className="size-7" aria-hidden />}>
          Ask anything. Before you send, you see what the message will cost and what is left in your budget; after, what it cost.
          <span className="mt-2 block">Enter sends · Shift+Enter adds a line · Ctrl+K searches · Ctrl+Shift+O starts a new conversation</span>
        </EmptyState>
        {errorFooter}
      </div>
    );
  } else {
    body = (
      <Thread
        conversationKey={conversationId ?? 'new'}
        branch={ws.branch}
        tree={tree}
        streaming={turn.streaming}
        footer={errorFooter}
        onBranch={onBranch}
        onEdit={turn.edit}
        onRegenerate={turn.regenerate}
      />
    );
  }

  return (
    <section aria-label="Chat" data-testid="chat-panel" className="flex min-w-0 flex-1 flex-col">
      {conversation && <ChatHeader key={conversation.id} conversation={conversation} leafId={ws.branch.at(-1)?.id} />}
      {backendMissing && (
        <Notice tone="info" className="m-3">
          Chat is not available on this server yet: conversations arrive with the workspace service. You can already see what a message would cost; keys, usage and
          administration work as usual.
        </Notice>
      )}
      {body}
      <Composer streaming={turn.streaming !== null} disabled={backendMissing} onSend={turn.send} onStop={turn.stop} onTemplates={() => ws.openTemplates()} />
      <TemplateDialog
        open={ws.templateDialog.open}
        initial={ws.templateDialog.initial}
        onOpenChange={(open) => (open ? ws.openTemplates() : ws.closeTemplates())}
        onInsert={ws.insertIntoDraft}
      />
    </section>
  );
}
