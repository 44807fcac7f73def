import { Link2 } from 'lucide-react';
import { useState } from 'react';
import { useApiMutation } from '../../api/mutation.ts';
import { conversationKeys } from '../../api/query-keys.ts';
import { createShare, revokeShare, useShares } from '../../api/workspace.ts';
import type { Share } from '../../api/workspace-types.ts';
import { describeError } from '../../lib/error-text.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { ErrorState, LoadingState, Notice } from '../../ui/states.tsx';

/**
 * Read-only links to the branch shown: make one (its address is shown once, like a key's secret),
 * see the links made before, revoke any of them.
 */
export function ShareDialog({ conversationId, leafId, open, onOpenChange }: { conversationId: string; leafId: string | undefined; open: boolean; onOpenChange: (open: boolean) => void }) {
  const shares = useShares(conversationId, open);
  const [made, setMade] = useState<Share | null>(null);
  const create = useApiMutation(() => createShare(conversationId, leafId), [conversationKeys.shares(conversationId)]);
  const revoke = useApiMutation((id: string) => revokeShare(id), [conversationKeys.shares(conversationId)]);
  const absolute = (url: string) => new URL(url, window.location.origin).toString();
  const active = (shares.data?.data ?? []).filter((s) => !s.revoked_at);
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        if (!o) setMade(null);
        onOpenChange(o);
      }}
      title="Share a read-only link"
      description="Anyone with the link can read this branch of the conversation, without an account and without seeing costs, until you revoke the link."
      wide
    >
      <div className="flex flex-col gap-3">
        <div>
          <Button variant="primary" busy={create.isPending} onClick={() => create.mutate(undefined, { onSuccess: setMade })}>
            <Link2 className="size-4" aria-hidden /> Create a link
          </Button>
        </div>
        {made?.url && (
          <Notice tone="ok">
            <p>Copy the link now: it is shown only once.</p>
            <div className="mt-2 flex items-center gap-2">
              <code className="min-w-0 flex-1 break-all" data-testid="share-url">{absolute(made.url)}</code>
              <CopyButton text={absolute(made.url)} label="Copy link" />
            </div>
          </Notice>
        )}
        {create.error && <Notice>{describeError(create.error)}</Notice>}
        {revoke.error && <Notice>{describeError(revoke.error)}</Notice>}
        {shares.isPending ? (
          <LoadingState />
        ) : shares.error || !shares.data ? (
          <ErrorState error={shares.error} />
        ) : active.length === 0 ? (
          <p className="text-sm text-fg-muted">No active links.</p>
        ) : (
          <ul className="flex flex-col gap-2" aria-label="Active links">
            {active.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-2 rounded-md border border-line p-2 text-sm" data-testid="share-item">
                <span className="min-w-0 flex-1">Link made {formatDateTime(s.created_at)}</span>
                {s.id === made?.id && <Badge tone="accent">new</Badge>}
                <Button size="sm" variant="danger" busy={revoke.isPending && revoke.variables === s.id} onClick={() => revoke.mutate(s.id, { onSuccess: () => s.id === made?.id && setMade(null) })}>
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
