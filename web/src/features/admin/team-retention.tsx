import { useState } from 'react';
import { useTeams } from '../../api/directory.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { saveTeamRetention, useTeamRetention, type OrgRetention, type RetentionInput, type TeamRetention as TeamPolicy } from '../../api/privacy.ts';
import { retentionKeys } from '../../api/query-keys.ts';
import type { Team } from '../../api/types.ts';
import { describeError, errorField } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { Section } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';
import { daysInput, daysText, parseDays } from './retention-days.ts';

type TeamKind = 'conversations_days' | 'ledger_days';
const KINDS: { param: TeamKind; label: string }[] = [
  { param: 'conversations_days', label: 'Conversations' },
  { param: 'ledger_days', label: 'Usage ledger rows' },
];
const LABELS = Object.fromEntries(KINDS.map((k) => [k.param, k.label]));

/** Each team's own periods (shorter ones apply to its members' conversations and its usage rows) and the effective ones. */
export function TeamRetention({ editable, org }: { editable: boolean; org: OrgRetention | null }) {
  const teams = useTeams();
  const [editing, setEditing] = useState<Team | null>(null);
  return (
    <Section title="Teams" description="A team may keep its members' conversations and its usage rows for less time than the organization. The effective period is the shorter of the two; audit records follow the organization only.">
      {teams.isPending ? (
        <LoadingState />
      ) : teams.error ? (
        <ErrorState error={teams.error} onRetry={() => void teams.refetch()} />
      ) : teams.data.data.length === 0 ? (
        <EmptyState title="No teams yet" />
      ) : (
        <Table<Team>
          caption="Team retention"
          rows={teams.data.data}
          rowKey={(t) => t.id}
          columns={[
            { header: 'Team', cell: (t) => <span className="font-medium">{t.name}</span> },
            ...KINDS.map((k) => ({ header: k.label, cell: (t: Team) => <TeamPeriod teamId={t.id} kind={k.param} /> })),
            {
              header: <span className="sr-only">Actions</span>,
              cell: (t: Team) => (editable ? <Button size="sm" aria-label={`Edit retention of ${t.name}`} onClick={() => setEditing(t)}>Edit</Button> : null),
            },
          ]}
        />
      )}
      {editing && <TeamRetentionDialog team={editing} org={org} onClose={() => setEditing(null)} />}
    </Section>
  );
}

/** One kind's period of a team: its own, and the one that applies. */
function TeamPeriod({ teamId, kind }: { teamId: string; kind: TeamKind }) {
  const policy = useTeamRetention(teamId);
  if (policy.isPending) return <span className="text-fg-muted">…</span>;
  if (policy.error) return <span className="text-danger">{describeError(policy.error)}</span>;
  return (
    <div data-testid={`team-${kind}`}>
      <div>Own: {daysText(policy.data[kind], "the organization's")}</div>
      <div className="text-xs text-fg-muted">Effective: {daysText(policy.data.effective[kind])}</div>
    </div>
  );
}

function TeamRetentionDialog({ team, org, onClose }: { team: Team; org: OrgRetention | null; onClose: () => void }) {
  const policy = useTeamRetention(team.id);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={`Retention of ${team.name}`} description="Empty: the organization's period applies.">
      {policy.isPending ? <LoadingState /> : policy.error ? <ErrorState error={policy.error} /> : <TeamRetentionForm team={team} policy={policy.data} org={org} onClose={onClose} />}
    </Dialog>
  );
}

function TeamRetentionForm({ team, policy, org, onClose }: { team: Team; policy: TeamPolicy; org: OrgRetention | null; onClose: () => void }) {
  const toast = useToast();
  const [text, setText] = useState<Record<TeamKind, string>>({ conversations_days: daysInput(policy.conversations_days), ledger_days: daysInput(policy.ledger_days) });
  const [local, setLocal] = useState<TeamKind | null>(null);
  const save = useApiMutation((body: Omit<RetentionInput, 'audit_days'>) => saveTeamRetention(team.id, body), [retentionKeys.all]);
  const field = errorField(save.error);
  const submit = () => {
    const body: Omit<RetentionInput, 'audit_days'> = {};
    for (const k of KINDS) {
      const v = parseDays(text[k.param]);
      if (v === 'not_a_number') return setLocal(k.param);
      body[k.param] = v;
    }
    setLocal(null);
    save.mutate(body, { onSuccess: () => { toast(`Retention of ${team.name} saved.`); onClose(); } });
  };
  return (
    <form className="flex flex-col gap-3" onSubmit={(e) => { e.preventDefault(); submit(); }} noValidate>
      {KINDS.map((k) => (
        <Field
          key={k.param}
          label={k.label}
          hint={`Organization: ${org ? daysText(org[k.param]) : 'unknown'}. Whole days, 1 to 36,500.`}
          error={local === k.param ? `${k.label}: enter a whole number of days, or leave it empty for the organization's period.` : field === k.param ? describeError(save.error, LABELS) : null}
        >
          {(p) => (
            <div className="flex items-center gap-2">
              <div className="w-32"><Input {...p} inputMode="numeric" placeholder="organization's" value={text[k.param]} onChange={(e) => setText({ ...text, [k.param]: e.target.value })} /></div>
              <span className="text-sm text-fg-muted">days</span>
            </div>
          )}
        </Field>
      ))}
      {save.error && !KINDS.some((k) => k.param === field) && <Notice>{describeError(save.error, LABELS)}</Notice>}
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" busy={save.isPending}>Save</Button>
      </div>
    </form>
  );
}
