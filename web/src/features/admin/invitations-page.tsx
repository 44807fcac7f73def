import { Plus } from 'lucide-react';
import { useState } from 'react';
import { createInvitation, revokeInvitation, useInvitations } from '../../api/directory.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { invitationKeys } from '../../api/query-keys.ts';
import type { Invitation, InvitationCreated, InvitationStatus, Role } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { formatDate, formatRelative } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, Input, Select } from '../../ui/field.tsx';
import { PageHeader } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';
import { useNames } from './use-names.ts';

const LABELS = { email: 'Email', team_id: 'Team', role: 'Role', expires_in_days: 'Valid for' };
const STATUS_TONE: Record<InvitationStatus, 'accent' | 'ok' | 'neutral' | 'warn'> = { pending: 'accent', accepted: 'ok', revoked: 'neutral', expired: 'warn' };

/** Admin › Invitations: invite someone into a team by email; see and revoke pending links. */
export function InvitationsPage() {
  const { can } = useSession();
  const names = useNames();
  const toast = useToast();
  const [status, setStatus] = useState<InvitationStatus | ''>('pending');
  const list = useInvitations(status ? { status } : {});
  const [open, setOpen] = useState(false);
  const teamsICanInviteTo = names.teams.filter((t) => can.isOwner || can.adminTeamIds.includes(t.id));
  const [form, setForm] = useState({ email: '', team_id: '', role: 'member' as Role, days: 7 });
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const create = useApiMutation(() => createInvitation({ email: form.email.trim(), team_id: form.team_id, role: form.role, expires_in_days: form.days }), [invitationKeys.all]);
  const revoke = useApiMutation((id: string) => revokeInvitation(id), [invitationKeys.all]);
  const field = errorField(create.error);
  const err = (p: string) => (field === p ? describeError(create.error, LABELS) : null);

  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Invitations"
        description="An invitation mails a link to join a team; the person chooses a password and is signed in. Links work once, for the days you choose."
        actions={
          <>
            <Select aria-label="Show" value={status} onChange={(e) => setStatus(e.target.value as InvitationStatus | '')} className="w-40">
              <option value="pending">Pending</option>
              <option value="accepted">Accepted</option>
              <option value="expired">Expired</option>
              <option value="revoked">Revoked</option>
              <option value="">All</option>
            </Select>
            {can.canInvite && (
              <Button variant="primary" onClick={() => { create.reset(); setForm({ email: '', team_id: teamsICanInviteTo[0]?.id ?? '', role: 'member', days: 7 }); setOpen(true); }}>
                <Plus className="size-4" aria-hidden /> Invite someone
              </Button>
            )}
          </>
        }
      />
      {list.isPending ? (
        <LoadingState />
      ) : list.error || !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        <EmptyState title={status ? `No ${status} invitations` : 'No invitations yet'} />
      ) : (
        <Table<Invitation>
          caption="Invitations"
          rows={list.data.data}
          rowKey={(i) => i.id}
          columns={[
            { header: 'Email', cell: (i) => i.email },
            { header: 'Team', cell: (i) => names.team(i.team_id) },
            { header: 'Role', cell: (i) => i.role },
            { header: 'Invited by', cell: (i) => names.actor(i.invited_by) },
            { header: 'Expires', cell: (i) => (i.status === 'pending' ? formatRelative(i.expires_at) : formatDate(i.expires_at)) },
            { header: 'Status', cell: (i) => <Badge tone={STATUS_TONE[i.status]}>{i.status}</Badge> },
            {
              header: <span className="sr-only">Actions</span>,
              cell: (i) =>
                i.status === 'pending' && can.canInvite ? (
                  <Button size="sm" variant="ghost" busy={revoke.isPending && revoke.variables === i.id} onClick={() => revoke.mutate(i.id, { onSuccess: () => toast('Invitation revoked: the link no longer works.'), onError: (e) => toast(describeError(e), 'danger') })}>
                    Revoke
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Invite someone"
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="primary" busy={create.isPending} disabled={!form.email.includes('@') || !form.team_id} onClick={() => create.mutate(undefined, { onSuccess: (r) => { setOpen(false); setCreated(r); } })}>
              Send invitation
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-3">
          <Field label="Email" error={err('email')}>{(p) => <Input {...p} type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoFocus />}</Field>
          <Field label="Team" error={err('team_id')}>
            {(p) => (
              <Select {...p} value={form.team_id} onChange={(e) => setForm({ ...form, team_id: e.target.value })}>
                {teamsICanInviteTo.map((t) => (<option key={t.id} value={t.id}>{t.name}</option>))}
              </Select>
            )}
          </Field>
          <Field label="Role" error={err('role')}>
            {(p) => (
              <Select {...p} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
                <option value="member">Member: uses the gateway and the workspace</option>
                <option value="viewer">Viewer: reads usage and budgets</option>
                <option value="admin">Admin: manages the team</option>
                {can.isOwner && <option value="auditor">Auditor: reads everything, changes nothing</option>}
                {can.isOwner && <option value="owner">Owner: runs the organization</option>}
              </Select>
            )}
          </Field>
          <Field label="The link is valid for" error={err('expires_in_days')}>
            {(p) => (
              <Select {...p} value={form.days} onChange={(e) => setForm({ ...form, days: Number(e.target.value) })}>
                {[1, 3, 7, 14, 30].map((d) => (<option key={d} value={d}>{d} day{d === 1 ? '' : 's'}</option>))}
              </Select>
            )}
          </Field>
          {create.error && !field && <Notice>{describeError(create.error)}</Notice>}
        </div>
      </Dialog>
      <Dialog open={created !== null} onOpenChange={(o) => !o && setCreated(null)} title="Invitation created" footer={<Button variant="primary" onClick={() => setCreated(null)}>Done</Button>} wide>
        {created && (
          <div className="flex flex-col gap-3 text-sm">
            <Notice tone={created.mailed ? 'ok' : 'info'}>
              {created.mailed
                ? `The link was mailed to ${created.invitation.email}; only that mailbox gets it, so accepting proves the address.`
                : 'Mail is not configured on this server: pass the link on yourself.'}{' '}
              It works once, until {new Date(created.invitation.expires_at).toLocaleString()}.
            </Notice>
            {created.url && (
              <div className="flex items-center gap-2"><code className="min-w-0 flex-1 break-all" data-testid="invitation-url">{created.url}</code><CopyButton text={created.url} label="Copy link" /></div>
            )}
          </div>
        )}
      </Dialog>
    </div>
  );
}
