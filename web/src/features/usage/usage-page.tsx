import { Download } from 'lucide-react';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useUsage, type UsageFilters } from '../../api/usage.ts';
import type { UsageRow } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { formatDateTime, formatInt, localDayKey, startOfLocalDay } from '../../lib/format.ts';
import { formatUsd, formatUsdText, nanosToDecimal } from '../../lib/money.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Input, Select } from '../../ui/field.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useNames } from '../admin/use-names.ts';
import { aggregate, type Dimension, type UsageGroup } from './usage-aggregate.ts';
import { downloadBlob } from '../../lib/download.ts';
import { toCsv } from './csv.ts';

const downloadCsv = (name: string, csv: string) => downloadBlob(name, new Blob([csv], { type: 'text/csv;charset=utf-8' }));

const DayChart = lazy(() => import('./usage-charts.tsx').then((m) => ({ default: m.DayChart })));
const BreakdownChart = lazy(() => import('./usage-charts.tsx').then((m) => ({ default: m.BreakdownChart })));

const LIMIT = 10_000;
type Preset = 'today' | '7' | '30' | '90' | 'custom';

function rangeOf(preset: Preset, custom: { from: string; to: string }): { from: Date; to: Date } {
  const tomorrow = startOfLocalDay(-1);
  if (preset === 'custom' && custom.from) {
    const [y, m, d] = custom.from.split('-').map(Number);
    const to = custom.to ? custom.to.split('-').map(Number) : null;
    return { from: new Date(y!, m! - 1, d!), to: to ? new Date(to[0]!, to[1]! - 1, to[2]! + 1) : tomorrow };
  }
  const days = preset === 'today' ? 1 : Number(preset === 'custom' ? 7 : preset);
  return { from: startOfLocalDay(days - 1), to: tomorrow };
}

/** Usage analytics: cost by day, model, key, person and team, as charts and tables, with CSV export. */
export function UsagePage() {
  const { can } = useSession();
  const names = useNames();
  const [preset, setPreset] = useState<Preset>('7');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [dims, setDims] = useState({ team_id: '', key_id: '', user_id: '', model: '' });
  const range = useMemo(() => rangeOf(preset, custom), [preset, custom]);
  const filters: UsageFilters = { from: range.from.toISOString(), to: range.to.toISOString(), ...Object.fromEntries(Object.entries(dims).filter(([, v]) => v)) };
  const usage = useUsage(filters, LIMIT, { refetchInterval: 60_000 });
  const rows = usage.data?.data ?? [];
  const by = useMemo(() => {
    const out = {} as Record<Dimension, UsageGroup[]>;
    for (const d of ['day', 'model', 'key', 'user', 'team'] as Dimension[]) out[d] = aggregate(rows, d, d === 'day' ? range : undefined);
    return out;
  }, [rows, range]);
  const label: Record<Dimension, (k: string) => string> = {
    day: (k) => k,
    model: (k) => k,
    key: (k) => (k.startsWith('key_') ? names.key(k) : k),
    user: (k) => (k.startsWith('usr_') ? names.user(k) : k),
    team: (k) => (k.startsWith('team_') ? names.team(k) : k),
  };
  const t = usage.data?.totals;
  const stamp = `${localDayKey(range.from)}_${localDayKey(new Date(range.to.getTime() - 1))}`;

  return (
    <div className="flex max-w-6xl flex-col gap-4">
      <PageHeader
        title="Usage analytics"
        description={can.isOwner || can.isAuditor ? 'Every request through the gateway in your organization, with its exact cost.' : 'Requests of your teams and your own keys, with their exact cost.'}
      />
      <form className="flex flex-wrap items-end gap-2" aria-label="Filter usage" onSubmit={(e) => e.preventDefault()}>
        <Field label="Period" className="w-40">
          {(p) => (
            <Select {...p} value={preset} onChange={(e) => setPreset(e.target.value as Preset)}>
              <option value="today">Today</option>
              <option value="7">Last 7 days</option>
              <option value="30">Last 30 days</option>
              <option value="90">Last 90 days</option>
              <option value="custom">Custom</option>
            </Select>
          )}
        </Field>
        {preset === 'custom' && (
          <>
            <Field label="From" className="w-40">{(p) => <Input {...p} type="date" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.target.value })} />}</Field>
            <Field label="To" className="w-40">{(p) => <Input {...p} type="date" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.target.value })} />}</Field>
          </>
        )}
        <Field label="Team" className="w-40">
          {(p) => (<Select {...p} value={dims.team_id} onChange={(e) => setDims({ ...dims, team_id: e.target.value })}><option value="">All</option>{names.teams.map((x) => (<option key={x.id} value={x.id}>{x.name}</option>))}</Select>)}
        </Field>
        {names.keys.length > 0 && (
          <Field label="Key" className="w-40">
            {(p) => (<Select {...p} value={dims.key_id} onChange={(e) => setDims({ ...dims, key_id: e.target.value })}><option value="">All</option>{names.keys.map((x) => (<option key={x.id} value={x.id}>{x.name}</option>))}</Select>)}
          </Field>
        )}
        {names.users.length > 0 && (
          <Field label="Person" className="w-44">
            {(p) => (<Select {...p} value={dims.user_id} onChange={(e) => setDims({ ...dims, user_id: e.target.value })}><option value="">Everyone</option>{names.users.map((x) => (<option key={x.id} value={x.id}>{x.name || x.email}</option>))}</Select>)}
          </Field>
        )}
        <Field label="Model" className="w-40">{(p) => <Input {...p} value={dims.model} onChange={(e) => setDims({ ...dims, model: e.target.value.trim() })} placeholder="any" />}</Field>
      </form>

      {usage.isPending ? (
        <LoadingState label="Loading usage…" />
      ) : usage.error ? (
        <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4" aria-label="Totals">
            <Stat label="Cost" value={formatUsdText(t?.cost_usd)} testId="usage-total-cost" />
            <Stat label="Requests" value={formatInt(t?.requests)} testId="usage-total-requests" />
            <Stat label="Tokens in" value={formatInt(t?.prompt_tokens)} />
            <Stat label="Tokens out" value={formatInt(t?.completion_tokens)} />
          </div>
          {(t?.unpriced_requests ?? 0) > 0 && <Notice tone="warn">{formatInt(t!.unpriced_requests)} requests used a model without a price: their cost is unknown and not counted above. Set a price on the Prices page.</Notice>}
          {usage.data?.has_more && <Notice tone="info">The charts and tables cover the newest {formatInt(LIMIT)} requests of this period; the totals above cover all of them. Narrow the period or filter to see the rest.</Notice>}
          {rows.length === 0 ? (
            <EmptyState title="No requests in this period">Requests through /v1 and the workspace appear here a moment after they finish.</EmptyState>
          ) : (
            <>
              <Section title="Cost by day" actions={<CsvButton name={`usage-by-day_${stamp}.csv`} groups={by.day} label={label.day} dim="Day" />}>
                <Suspense fallback={<div className="h-56" />}>
                  <DayChart groups={by.day} />
                </Suspense>
                <GroupTable caption="Cost by day" groups={by.day} label={label.day} dim="Day" />
              </Section>
              <div className="grid gap-4 lg:grid-cols-2">
                {(['model', 'key', 'user', 'team'] as const).map((d) => (
                  <Section key={d} title={`Cost by ${d === 'user' ? 'person' : d}`} actions={<CsvButton name={`usage-by-${d}_${stamp}.csv`} groups={by[d]} label={label[d]} dim={d} />}>
                    <Suspense fallback={<div className="h-24" />}>
                      <BreakdownChart groups={by[d]} label={label[d]} />
                    </Suspense>
                    <GroupTable caption={`Cost by ${d}`} groups={by[d]} label={label[d]} dim={d === 'user' ? 'Person' : d[0]!.toUpperCase() + d.slice(1)} />
                  </Section>
                ))}
              </div>
              <Section title="Requests" description="The newest 50; download all of them as CSV." actions={<Button size="sm" onClick={() => downloadCsv(`usage-requests_${stamp}.csv`, rowsCsv(rows, label))}><Download className="size-3.5" aria-hidden /> CSV</Button>}>
                <Table<UsageRow>
                  caption="Recent requests"
                  rows={rows.slice(0, 50)}
                  rowKey={(r) => r.request_id}
                  columns={[
                    { header: 'When', cell: (r) => formatDateTime(r.created_at) },
                    { header: 'Model', cell: (r) => r.model_served ?? r.model_requested },
                    { header: 'Key', cell: (r) => label.key(r.key_id ?? '') },
                    { header: 'Tokens', numeric: true, cell: (r) => `${formatInt(r.prompt_tokens)} / ${formatInt(r.completion_tokens)}` },
                    { header: 'Cost', numeric: true, cell: (r) => <span data-testid="usage-row-cost" data-request-id={r.request_id}>{formatUsdText(r.cost_usd, { unknown: 'unknown' })}</span> },
                    { header: 'Status', numeric: true, cell: (r) => r.status },
                  ]}
                />
              </Section>
            </>
          )}
        </>
      )}
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-lg border border-line p-3">
      <p className="text-xs text-fg-muted">{label}</p>
      <p className="text-xl font-semibold tabular-nums" data-testid={testId}>{value}</p>
    </div>
  );
}

function GroupTable({ caption, groups, label, dim }: { caption: string; groups: UsageGroup[]; label: (k: string) => string; dim: string }) {
  return (
    <div className="mt-3">
      <Table<UsageGroup>
        caption={caption}
        rows={groups.filter((g) => g.requests > 0 || dim === 'Day').slice(0, 31)}
        rowKey={(g) => g.key}
        columns={[
          { header: dim, cell: (g) => label(g.key) },
          { header: 'Requests', numeric: true, cell: (g) => formatInt(g.requests) },
          { header: 'Tokens in / out', numeric: true, cell: (g) => `${formatInt(g.promptTokens)} / ${formatInt(g.completionTokens)}` },
          { header: 'Cost', numeric: true, cell: (g) => <>{formatUsd(g.costNanos)}{g.unpriced > 0 && <span className="text-warn"> +{g.unpriced} unknown</span>}</> },
        ]}
      />
    </div>
  );
}

function CsvButton({ name, groups, label, dim }: { name: string; groups: UsageGroup[]; label: (k: string) => string; dim: string }) {
  return (
    <Button
      size="sm"
      onClick={() =>
        downloadCsv(name, toCsv([dim, 'id', 'requests', 'errors', 'prompt_tokens', 'completion_tokens', 'cost_usd', 'unpriced_requests'], groups.map((g) => [label(g.key), g.key, g.requests, g.errors, g.promptTokens, g.completionTokens, nanosToDecimal(g.costNanos), g.unpriced])))
      }
    >
      <Download className="size-3.5" aria-hidden /> CSV
    </Button>
  );
}

function rowsCsv(rows: UsageRow[], label: Record<Dimension, (k: string) => string>): string {
  return toCsv(
    ['request_id', 'created_at', 'endpoint', 'model_requested', 'model_served', 'key_id', 'key', 'user', 'team', 'status', 'prompt_tokens', 'cached_tokens', 'completion_tokens', 'reasoning_tokens', 'latency_ms', 'cost_usd'],
    rows.map((r) => [r.request_id, r.created_at, r.endpoint, r.model_requested, r.model_served, r.key_id, label.key(r.key_id ?? ''), label.user(r.user_id ?? ''), label.team(r.team_id ?? ''), r.status, r.prompt_tokens, r.cached_tokens, r.completion_tokens, r.reasoning_tokens, r.latency_ms, r.cost_usd]),
  );
}
