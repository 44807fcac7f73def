import { useQueryClient } from '@tanstack/react-query';
import { MoreHorizontal } from 'lucide-react';
import { useState } from 'react';
import { issuePasswordReset, updateUser, useUsers } from '../../api/directory.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { downloadDataExport, eraseUser, type ExportFormat } from '../../api/privacy.ts';
import { userKeys } from '../../api/query-keys.ts';
import type { PasswordResetIssued, Role, User } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { ErasureDialog } from '../account/erasure-dialog.tsx';
import { describeError } from '../../lib/error-text.ts';
import { formatRelative } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button, IconButton } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Input } from '../../ui/field.tsx';
import { Menu, MenuItem, MenuLabel, MenuSeparator } from '../../ui/menu.tsx';
import { PageHeader } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';
import { useNames } from './use-names.ts';

/** Admin › People: everyone in the organization you may see, their roles and 2FA; owners change org roles, disable people, send password resets, export a person's data and erase them. */
export function MembersPage() {
  const { can, me } = useSession();
  const users = useUsers();
  const names = useNames();
  const toast = useToast();
  const qc = useQueryClient();
  const [filter, setFilter] = useState('');
  const [reset, setReset] = useState<PasswordResetIssued | null>(null);
  const [erasing, setErasing] = useState<User | null>(null);
  const update = useApiMutation(({ id, body }: { id: string; body: Parameters<typeof updateUser>[1] }) => updateUser(id, body), [userKeys.all]);
  const issue = useApiMutation((id: string) => issuePasswordReset(id), []);
  const rows = (users.data?.data ?? []).filter((u) => !filter || `${u.name} ${u.email}`.toLowerCase().includes(filter.toLowerCase()));
  const exportData = (u: User, format: ExportFormat) =>
    downloadDataExport(format, u.id).then(() => toast(`The data of ${u.email} is downloaded (${format.toUpperCase()}).`), (e: unknown) => toast(describeError(e), 'danger'));
  const erase = async (u: User) => {
    await eraseUser(u.id);
    setErasing(null);
    // The pseudonym is not shown: noting it beside the email would undo the pseudonymization.
    toast(`${u.email} is erased.`);
    await qc.invalidateQueries({ queryKey: userKeys.all });
  };
  const act = (id: string, body: Parameters<typeof updateUser>[1], done: string) =>
    update.mutate({ id, body }, { onSuccess: () => toast(done), onError: (e) => toast(describeError(e), 'danger') });

  return (
    <div className="max-w-6xl">
      <PageHeader
        title="People"
        description="Everyone in your organization you can see. Team roles are set on the Teams page; invite people from Invitations."
        actions={<Input aria-label="Filter people" placeholder="Filter by name or email" value={filter} onChange={(e) => setFilter(e.target.value)} className="w-64" />}
      />
      {users.isPending ? (
        <LoadingState />
      ) : users.error ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="Nobody matches" />
      ) : (
        <Table<User>
          caption="People"
          rows={rows}
          rowKey={(u) => u.id}
          columns={[
            { header: 'Name', cell: (u) => (<div><div className="font-medium">{u.name}</div><div className="text-xs text-fg-muted">{isErased(u) ? 'account erased' : u.email}</div></div>) },
            { header: 'Teams', cell: (u) => <div className="flex flex-wrap gap-1">{(u.memberships ?? []).map((m) => <Badge key={m.team_id}>{names.team(m.team_id)}: {m.role}</Badge>)}</div> },
            { header: 'Org role', cell: (u) => (u.org_role ? <Badge tone="accent">{u.org_role}</Badge> : '—') },
            { header: 'Sign-in', cell: (u) => isErased(u) ? '—' : (<div className="flex flex-wrap gap-1">{u.sso && <Badge>SSO</Badge>}{u.has_password && <Badge>password</Badge>}{u.totp_enabled ? <Badge tone="ok">2FA</Badge> : !u.sso && <Badge tone="warn">no 2FA</Badge>}</div>) },
            { header: 'Last sign-in', cell: (u) => (u.last_sign_in_at ? formatRelative(u.last_sign_in_at) : <span className="text-fg-muted">never</span>) },
            { header: 'Status', cell: (u) => (isErased(u) ? <Badge>erased</Badge> : <Badge tone={u.status === 'active' ? 'ok' : 'danger'}>{u.status}</Badge>) },
            {
              header: <span className="sr-only">Actions</span>,
              cell: (u) =>
                can.isOwner && u.id !== me.user?.id && !isErased(u) ? (
                  <Menu trigger={<IconButton label={`Actions for ${u.email}`}><MoreHorizontal className="size-4" aria-hidden /></IconButton>}>
                    <MenuLabel>Organization role</MenuLabel>
                    {(['owner', 'auditor', null] as (Role | null)[]).map((r) => (
                      <MenuItem key={r ?? 'none'} disabled={u.org_role === r} onSelect={() => act(u.id, { org_role: r }, `${u.email} is now ${r ?? 'without an organization role'}.`)}>
                        {r ? `Make ${r}` : 'No organization role'}
                      </MenuItem>
                    ))}
                    <MenuSeparator />
                    <MenuItem disabled={u.status !== 'active'} onSelect={() => issue.mutate(u.id, { onSuccess: setReset, onError: (e) => toast(describeError(e), 'danger') })}>
                      Send a password-reset link
                    </MenuItem>
                    <MenuItem danger={u.status === 'active'} onSelect={() => act(u.id, { status: u.status === 'active' ? 'disabled' : 'active' }, u.status === 'active' ? `${u.email} is disabled; their sessions ended and keys stopped.` : `${u.email} is enabled again.`)}>
                      {u.status === 'active' ? 'Disable' : 'Enable'}
                    </MenuItem>
                    <MenuSeparator />
                    <MenuLabel>Privacy requests</MenuLabel>
                    <MenuItem onSelect={() => void exportData(u, 'zip')}>Export data (ZIP)</MenuItem>
                    <MenuItem onSelect={() => void exportData(u, 'json')}>Export data (JSON)</MenuItem>
                    <MenuItem danger onSelect={() => setErasing(u)}>Erase…</MenuItem>
                  </Menu>
                ) : null,
            },
          ]}
        />
      )}
      {erasing && <ErasureDialog open onOpenChange={(o) => !o && setErasing(null)} user={erasing} self={false} erase={() => erase(erasing)} />}
      <Dialog open={reset !== null} onOpenChange={(o) => !o && setReset(null)} title="Password-reset link" footer={<Button onClick={() => setReset(null)}>Done</Button>}>
        {reset && (
          <div className="flex flex-col gap-3 text-sm">
            <Notice tone={reset.mailed ? 'ok' : 'info'}>{reset.mailed ? 'The link was mailed to them (only to them).' : 'Mail is not configured: hand the link over yourself.'} It works once, until {new Date(reset.expires_at).toLocaleString()}.</Notice>
            {reset.url && <div className="flex items-center gap-2"><code className="min-w-0 flex-1 break-all">{reset.url}</code><CopyButton text={reset.url} /></div>}
          </div>
        )}
      </Dialog>
    </div>
  );
}

/** An erased account keeps its id under a pseudonymous address (src/access/account-erasure.ts). */
function isErased(u: User): boolean {
  return u.email.endsWith('@erased.invalid');
}
