import { endSession, useSessions } from '../../api/account.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { sessionKeys } from '../../api/query-keys.ts';
import type { Session } from '../../api/types.ts';
import { describeError } from '../../lib/error-text.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { PageHeader } from '../../ui/page.tsx';
import { ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';

/** Settings › Sessions: every browser signed in to the account; sign any of them out. */
export function SessionsPage() {
  const sessions = useSessions();
  const toast = useToast();
  const end = useApiMutation((id: string) => endSession(id), [sessionKeys.all]);
  return (
    <div className="max-w-4xl">
      <PageHeader title="Sessions" description="The browsers signed in to your account. Sign out any you do not recognise, then change your password." />
      {end.error && <Notice className="mb-3">{describeError(end.error)}</Notice>}
      {sessions.isPending ? (
        <LoadingState />
      ) : sessions.error ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <Table<Session>
          caption="Your sessions"
          rows={sessions.data.data}
          rowKey={(s) => s.id}
          columns={[
            { header: 'Browser', cell: (s) => <span className="line-clamp-2 max-w-72 break-all">{s.user_agent ?? 'Unknown'}</span> },
            { header: 'Address', cell: (s) => s.ip ?? '—' },
            { header: 'How', cell: (s) => s.method },
            { header: 'Signed in', cell: (s) => formatDateTime(s.created_at) },
            { header: 'Last active', cell: (s) => formatRelative(s.last_seen_at) },
            {
              header: <span className="sr-only">Actions</span>,
              cell: (s) =>
                s.current ? (
                  <Badge tone="accent">This browser</Badge>
                ) : (
                  <Button size="sm" variant="ghost" busy={end.isPending && end.variables === s.id} onClick={() => end.mutate(s.id, { onSuccess: () => toast('That browser is signed out.') })}>
                    Sign out
                  </Button>
                ),
            },
          ]}
        />
      )}
    </div>
  );
}
