import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { createTeam, deleteTeam, removeMember, renameTeam, setMember, useMembers } from '../../api/directory.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { teamKeys, userKeys } from '../../api/query-keys.ts';
import { ROLES, type Member, type Role, type Team } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError } from '../../lib/error-text.ts';
import { Button, IconButton } from '../../ui/button.tsx';
import { cx } from '../../ui/cx.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, Input, Select } from '../../ui/field.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';
import { useNames } from './use-names.ts';

/** Admin › Teams: teams and their members with roles; owners create teams, admins manage their team. */
export function TeamsPage() {
  const { can } = useSession();
  const names = useNames();
  const toast = useToast();
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const create = useApiMutation((n: string) => createTeam(n), [teamKeys.all]);
  const team = names.teams.find((t) => t.id === selected) ?? names.teams[0];
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Teams"
        description="People belong to teams with a role: admins manage the team, members use the gateway, viewers read usage."
        actions={can.isOwner && <Button variant="primary" onClick={() => { create.reset(); setName(''); setCreating(true); }}><Plus className="size-4" aria-hidden /> New team</Button>}
      />
      {names.teams.length === 0 ? (
        <EmptyState title="No teams yet" />
      ) : (
        <div className="flex flex-col gap-4 md:flex-row">
          <ul aria-label="Teams" className="flex shrink-0 flex-col gap-1 md:w-56">
            {names.teams.map((t) => (
              <li key={t.id}>
                <button type="button" aria-current={t.id === team?.id} onClick={() => setSelected(t.id)} className={cx('w-full rounded-md px-2 py-1.5 text-left text-sm hover:bg-muted', t.id === team?.id && 'bg-muted font-medium')}>
                  {t.name}
                </button>
              </li>
            ))}
          </ul>
          {team && <TeamDetail key={team.id} team={team} />}
        </div>
      )}
      <Dialog
        open={creating}
        onOpenChange={setCreating}
        title="New team"
        footer={<><Button onClick={() => setCreating(false)}>Cancel</Button><Button variant="primary" busy={create.isPending} disabled={!name.trim()} onClick={() => create.mutate(name.trim(), { onSuccess: (t) => { setCreating(false); setSelected(t.id); toast(`Team ${t.name} created.`); } })}>Create team</Button></>}
      >
        <Field label="Name" error={create.error ? describeError(create.error, { name: 'Name' }) : null}>{(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}</Field>
      </Dialog>
    </div>
  );
}

function TeamDetail({ team }: { team: Team }) {
  const { can } = useSession();
  const names = useNames();
  const toast = useToast();
  const members = useMembers(team.id);
  const manage = can.isOwner || can.adminTeamIds.includes(team.id);
  const [newName, setNewName] = useState(team.name);
  const [adding, setAdding] = useState({ userId: '', role: 'member' as Role });
  const invalidate = [teamKeys.all, userKeys.all];
  const rename = useApiMutation((n: string) => renameTeam(team.id, n), invalidate);
  const remove = useApiMutation(() => deleteTeam(team.id), invalidate);
  const put = useApiMutation(({ userId, role }: { userId: string; role: Role }) => setMember(team.id, userId, role), invalidate);
  const drop = useApiMutation((userId: string) => removeMember(team.id, userId), invalidate);
  const memberIds = new Set((members.data?.data ?? []).map((m) => m.user_id));
  const candidates = names.users.filter((u) => !memberIds.has(u.id) && u.status === 'active');
  const fail = (e: unknown) => toast(describeError(e), 'danger');
  return (
    <div className="flex min-w-0 flex-1 flex-col gap-4">
      <Section
        title={team.name}
        actions={manage && (
          <Button variant="danger" size="sm" busy={remove.isPending} onClick={() => window.confirm(`Delete the team ${team.name}?`) && remove.mutate(undefined, { onSuccess: () => toast('Team deleted.'), onError: fail })}>
            <Trash2 className="size-3.5" aria-hidden /> Delete team
          </Button>
        )}
      >
        {manage && (
          <form className="mb-4 flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); rename.mutate(newName.trim(), { onSuccess: () => toast('Team renamed.'), onError: fail }); }}>
            <Field label="Team name" className="w-64">{(p) => <Input {...p} value={newName} onChange={(e) => setNewName(e.target.value)} />}</Field>
            <Button type="submit" busy={rename.isPending} disabled={!newName.trim() || newName.trim() === team.name}>Rename</Button>
          </form>
        )}
        {members.isPending ? (
          <LoadingState />
        ) : members.error ? (
          <ErrorState error={members.error} />
        ) : (
          <Table<Member>
            caption={`Members of ${team.name}`}
            rows={members.data.data}
            rowKey={(m) => m.user_id}
            columns={[
              { header: 'Person', cell: (m) => (<div><div>{m.user.name}</div><div className="text-xs text-fg-muted">{m.user.email}</div></div>) },
              {
                header: 'Role',
                cell: (m) =>
                  manage ? (
                    <Select aria-label={`Role of ${m.user.email}`} value={m.role} className="h-8 w-32" onChange={(e) => put.mutate({ userId: m.user_id, role: e.target.value as Role }, { onSuccess: () => toast('Role changed.'), onError: fail })}>
                      {ROLES.map((r) => (<option key={r} value={r}>{r}</option>))}
                    </Select>
                  ) : (
                    m.role
                  ),
              },
              { header: <span className="sr-only">Actions</span>, cell: (m) => manage && <IconButton label={`Remove ${m.user.email} from the team`} onClick={() => drop.mutate(m.user_id, { onSuccess: () => toast('Removed from the team.'), onError: fail })}><Trash2 className="size-4" aria-hidden /></IconButton> },
            ]}
          />
        )}
        {manage && candidates.length > 0 && (
          <form className="mt-3 flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); put.mutate({ userId: adding.userId, role: adding.role }, { onSuccess: () => { toast('Added to the team.'); setAdding({ ...adding, userId: '' }); }, onError: fail }); }}>
            <Field label="Add someone from your organization" className="w-72">
              {(p) => (
                <Select {...p} value={adding.userId} onChange={(e) => setAdding({ ...adding, userId: e.target.value })}>
                  <option value="">Choose a person…</option>
                  {candidates.map((u) => (<option key={u.id} value={u.id}>{u.name} ({u.email})</option>))}
                </Select>
              )}
            </Field>
            <Field label="Role" className="w-32">
              {(p) => (<Select {...p} value={adding.role} onChange={(e) => setAdding({ ...adding, role: e.target.value as Role })}>{ROLES.map((r) => (<option key={r} value={r}>{r}</option>))}</Select>)}
            </Field>
            <Button type="submit" busy={put.isPending} disabled={!adding.userId}>Add</Button>
          </form>
        )}
        {put.error && <Notice className="mt-3">{describeError(put.error)}</Notice>}
      </Section>
    </div>
  );
}
