import { Plus } from 'lucide-react';
import { useState } from 'react';
import { createBudget, deleteBudget, updateBudget, useAlerts, useBudgets, type BudgetInput } from '../../api/budgets.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { budgetKeys } from '../../api/query-keys.ts';
import type { Alert, Budget, BudgetPeriod, BudgetScope } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { formatDateTime, formatPercent, formatRelative } from '../../lib/format.ts';
import { formatUsd, formatUsdText, parseUsd, ratio } from '../../lib/money.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, Input, Select } from '../../ui/field.tsx';
import { Meter } from '../../ui/meter.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';
import { useNames } from './use-names.ts';

const LABELS = { name: 'Name', scope: 'Applies to', scope_id: 'Applies to', period: 'Period', timezone: 'Time zone', limit_usd: 'Limit', thresholds: 'Alerts at' };

interface FormState {
  id: string | null;
  name: string;
  scope: BudgetScope;
  scope_id: string;
  period: BudgetPeriod;
  timezone: string;
  limit_usd: string;
  thresholds: string;
}

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Admin › Budgets and alerts: spending limits per key, person, team or organization, their use and forecast, and the alerts they raised. */
export function BudgetsPage() {
  const { can, me } = useSession();
  const names = useNames();
  const toast = useToast();
  const budgets = useBudgets();
  const alerts = useAlerts();
  const [form, setForm] = useState<FormState | null>(null);
  const save = useApiMutation((f: FormState) => {
    const thresholds = f.thresholds.split(/[\s,]+/).filter(Boolean).map(Number);
    const common = { name: f.name.trim() || undefined, period: f.period, timezone: f.timezone, limit_usd: f.limit_usd.trim(), thresholds };
    const clean = Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined)) as Omit<BudgetInput, 'scope' | 'scope_id'>;
    return f.id ? updateBudget(f.id, clean) : createBudget({ ...clean, scope: f.scope, scope_id: f.scope_id });
  }, [budgetKeys.all]);
  const remove = useApiMutation((id: string) => deleteBudget(id), [budgetKeys.all]);
  const field = errorField(save.error);
  const err = (p: string) => (field === p ? describeError(save.error, LABELS) : null);

  const subjects: Record<BudgetScope, { id: string; label: string }[]> = {
    team: names.teams.filter((t) => can.isOwner || can.adminTeamIds.includes(t.id)).map((t) => ({ id: t.id, label: t.name })),
    user: names.users.map((u) => ({ id: u.id, label: `${u.name} (${u.email})` })),
    key: names.keys.filter((k) => !k.revoked_at).map((k) => ({ id: k.id, label: `${k.name} (${k.prefix}…)` })),
    org: [{ id: me.org.id, label: me.org.name }],
  };
  const subjectName = (b: Budget) => (b.scope === 'team' ? names.team(b.scope_id) : b.scope === 'user' ? names.user(b.scope_id) : b.scope === 'key' ? names.key(b.scope_id) : me.org.name);
  const open = (f: Partial<FormState>) => {
    save.reset();
    setForm({ id: null, name: '', scope: 'team', scope_id: subjects.team[0]?.id ?? '', period: 'monthly', timezone: localZone, limit_usd: '', thresholds: '50, 80, 100', ...f });
  };

  return (
    <div className="flex max-w-6xl flex-col gap-4">
      <PageHeader
        title="Budgets and alerts"
        description="A budget caps what a key, a person, a team or the organization may spend per day, week, month or in total. Requests that would exceed it are refused before they reach the model."
        actions={can.canWriteBudgets && <Button variant="primary" onClick={() => open({})}><Plus className="size-4" aria-hidden /> New budget</Button>}
      />
      {budgets.isPending ? (
        <LoadingState />
      ) : budgets.error || !budgets.data ? (
        <ErrorState error={budgets.error} onRetry={() => void budgets.refetch()} />
      ) : budgets.data.data.length === 0 ? (
        <EmptyState title="No budgets yet">Without a budget, spending is not limited.</EmptyState>
      ) : (
        <Table<Budget>
          caption="Budgets"
          rows={budgets.data.data}
          rowKey={(b) => b.id}
          columns={[
            { header: 'Budget', cell: (b) => (<div><div className="font-medium">{b.name}</div><div className="text-xs text-fg-muted">{b.scope}: {subjectName(b)}</div></div>) },
            { header: 'Limit', numeric: true, cell: (b) => <>{formatUsdText(b.limit_usd)} <span className="text-xs text-fg-muted">{b.period}</span></> },
            {
              header: 'Used',
              className: 'w-48',
              cell: (b) => {
                const used = ratio(parseUsd(b.spent_usd) ?? 0n, parseUsd(b.limit_usd) ?? 0n);
                return (<div><Meter value={used} label={`${b.name} used`} valueText={formatPercent(used)} /><div className="mt-1 text-xs text-fg-muted">{formatUsdText(b.spent_usd)} ({formatPercent(used)}){b.reserved_usd !== '0.00' && ` + ${formatUsdText(b.reserved_usd)} in flight`}</div></div>);
              },
            },
            { header: 'Left', numeric: true, cell: (b) => formatUsdText(b.remaining_usd) },
            { header: 'Forecast', numeric: true, cell: (b) => (b.projected_usd === null ? '—' : <span className={(parseUsd(b.projected_usd) ?? 0n) > (parseUsd(b.limit_usd) ?? 0n) ? 'text-danger' : undefined}>{formatUsdText(b.projected_usd)}</span>) },
            { header: 'Resets', cell: (b) => (b.resets_at ? formatRelative(b.resets_at) : 'never') },
            {
              header: <span className="sr-only">Actions</span>,
              cell: (b) =>
                can.canWriteBudgets && (
                  <div className="flex gap-1">
                    <Button size="sm" variant="ghost" onClick={() => open({ id: b.id, name: b.name, scope: b.scope, scope_id: b.scope_id, period: b.period, timezone: b.timezone, limit_usd: b.limit_usd, thresholds: b.thresholds.join(', ') })}>Edit</Button>
                    <Button size="sm" variant="ghost" onClick={() => window.confirm(`Delete the budget ${b.name}? Its spend record is deleted; its alerts stay.`) && remove.mutate(b.id, { onSuccess: () => toast('Budget deleted.'), onError: (e) => toast(describeError(e), 'danger') })}>Delete</Button>
                  </div>
                ),
            },
          ]}
        />
      )}

      <Section title="Alerts" description="Raised once per budget and period when spend crosses a threshold, or when the limit refuses a request.">
        {alerts.isPending ? <LoadingState /> : alerts.error || !alerts.data ? <ErrorState error={alerts.error} /> : alerts.data.data.length === 0 ? <p className="text-sm text-fg-muted">No alerts.</p> : (
          <Table<Alert>
            caption="Alerts"
            rows={alerts.data.data}
            rowKey={(a) => a.id}
            columns={[
              { header: 'When', cell: (a) => formatDateTime(a.created_at) },
              { header: 'What', cell: (a) => <Badge tone={a.kind === 'blocked' || a.kind === 'limit_blocked' ? 'danger' : a.kind === 'unpriced_model' ? 'warn' : 'accent'}>{a.kind.replaceAll('_', ' ')}</Badge> },
              { header: 'Budget', cell: (a) => (a.budget_id ? (budgets.data?.data.find((b) => b.id === a.budget_id)?.name ?? a.budget_id) : (a.subject ?? '—')) },
              { header: 'Detail', cell: (a) => (a.threshold !== undefined ? `${a.threshold}%: ${formatUsdText(a.spent_usd)} of ${formatUsdText(a.limit_usd)}` : '') },
            ]}
          />
        )}
      </Section>

      <Dialog
        open={form !== null}
        onOpenChange={(o) => !o && setForm(null)}
        title={form?.id ? 'Edit budget' : 'New budget'}
        footer={<><Button onClick={() => setForm(null)}>Cancel</Button><Button variant="primary" busy={save.isPending} disabled={!form?.limit_usd.trim() || !form.scope_id} onClick={() => form && save.mutate(form, { onSuccess: () => { setForm(null); toast('Budget saved.'); } })}>Save budget</Button></>}
      >
        {form && (
          <div className="flex flex-col gap-3">
            <Field label="Name" hint="Optional; e.g. “Research monthly”." error={err('name')}>{(p) => <Input {...p} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}</Field>
            {!form.id && (
              <div className="grid grid-cols-[auto_1fr] gap-3">
                <Field label="Applies to" error={err('scope')}>
                  {(p) => (
                    <Select {...p} value={form.scope} onChange={(e) => { const scope = e.target.value as BudgetScope; setForm({ ...form, scope, scope_id: subjects[scope][0]?.id ?? '' }); }}>
                      <option value="team">a team</option>
                      <option value="user">a person</option>
                      <option value="key">a key</option>
                      {can.isOwner && <option value="org">the organization</option>}
                    </Select>
                  )}
                </Field>
                <Field label="Which" error={err('scope_id')}>
                  {(p) => (
                    <Select {...p} value={form.scope_id} onChange={(e) => setForm({ ...form, scope_id: e.target.value })}>
                      {subjects[form.scope].length === 0 && <option value="">None you can budget</option>}
                      {subjects[form.scope].map((s) => (<option key={s.id} value={s.id}>{s.label}</option>))}
                    </Select>
                  )}
                </Field>
              </div>
            )}
            <div className="grid grid-cols-2 gap-3">
              <Field label="Limit (US$)" error={err('limit_usd')}>{(p) => <Input {...p} inputMode="decimal" placeholder="50.00" value={form.limit_usd} onChange={(e) => setForm({ ...form, limit_usd: e.target.value })} />}</Field>
              <Field label="Period" error={err('period')}>
                {(p) => (
                  <Select {...p} value={form.period} onChange={(e) => setForm({ ...form, period: e.target.value as BudgetPeriod })}>
                    <option value="daily">per day</option>
                    <option value="weekly">per week (Monday–Sunday)</option>
                    <option value="monthly">per month</option>
                    <option value="total">in total (never resets)</option>
                  </Select>
                )}
              </Field>
            </div>
            <Field label="Time zone" hint="Where the day, week or month starts." error={err('timezone')}>{(p) => <Input {...p} value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })} />}</Field>
            <Field label="Alerts at (% of the limit)" hint="Comma-separated, ascending, 1 to 100. Empty: no alerts." error={err('thresholds')}>{(p) => <Input {...p} value={form.thresholds} onChange={(e) => setForm({ ...form, thresholds: e.target.value })} />}</Field>
            {save.error && !field && <Notice>{describeError(save.error)}</Notice>}
            {form.limit_usd && parseUsd(form.limit_usd.trim()) !== null && <p className="text-xs text-fg-muted">Limit: {formatUsd(parseUsd(form.limit_usd.trim()))} {form.period === 'total' ? 'in total' : form.period}.</p>}
          </div>
        )}
      </Dialog>
    </div>
  );
}
