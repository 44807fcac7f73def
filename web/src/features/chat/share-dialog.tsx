import { Link2 } from 'lucide-react';
import { useApiMutation } from '../../api/mutation.ts';
import { conversationKeys } from '../../api/query-keys.ts';
import { createShare, revokeShare, useShares } from '../../api/workspace.ts';
import { describeError } from '../../lib/error-text.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Button } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { ErrorState, LoadingState, Notice } from '../../ui/states.tsx';

/** Read-only links to the current branch of a conversation: make one, copy it, revoke it. */
export function ShareDialog({ conversationId, open, onOpenChange }: { conversationId: string; open: boolean; onOpenChange: (open: boolean) => void }) {
  const shares = useShares(conversationId, open);
  const create = useApiMutation(() => createShare(conversationId), [conversationKeys.shares(conversationId)]);
  const revoke = useApiMutation((id: string) => revokeShare(id), [conversationKeys.shares(conversationId)]);
  const absolute = (url: string) => new URL(url, window.location.origin).toString();
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Share a read-only link"
      description="Anyone with the link can read this conversation as it is now shown (no account needed) until you revoke the link."
      wide
    >
      <div className="flex flex-col gap-3">
        <div>
          <Button variant="primary" busy={create.isPending} onClick={() => create.mutate(undefined)}>
            <Link2 className="size-4" aria-hidden /> Create a link
          </Button>
        </div>
        {create.error && <Notice>{describeError(create.error)}</Notice>}
        {revoke.error && <Notice>{describeError(revoke.error)}</Notice>}
        {shares.isPending ? (
          <LoadingState />
        ) : shares.error || !shares.data ? (
          <ErrorState error={shares.error} />
        ) : shares.data.data.length === 0 ? (
          <p className="text-sm text-fg-muted">No links yet.</p>
        ) : (
          <ul className="flex flex-col gap-2" aria-label="Share links">
            {shares.data.data.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-2 rounded-md border border-line p-2 text-sm">
                <code className="min-w-0 flex-1 truncate" data-testid="share-url">{absolute(s.url)}</code>
                <span className="text-xs text-fg-muted">{formatDateTime(s.created_at)}</span>
                <CopyButton text={absolute(s.url)} label="Copy link" />
                <Button size="sm" variant="danger" busy={revoke.isPending && revoke.variables === s.id} onClick={() => revoke.mutate(s.id)}>
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
