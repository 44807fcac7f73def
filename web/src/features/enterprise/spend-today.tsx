import { lazy, Suspense, useMemo } from 'react';
import { useUsageTotals } from '../../api/usage.ts';
import { useSession } from '../../app/session.tsx';
import { formatInt } from '../../lib/format.ts';
import { formatUsd, parseUsd } from '../../lib/money.ts';
import { PanelSection } from '../workspace/panel-section.tsx';
import { lastDays } from './day-windows.ts';

const TrendChart = lazy(() => import('./trend-chart.tsx'));

/** Spend today (what the person may see: their organization or their teams) and the 14-day trend. */
export function SpendToday() {
  const { can } = useSession();
  const days = useMemo(() => lastDays(14), []);
  const totals = useUsageTotals(days.map((d) => ({ from: d.from, to: d.to })), { refetchInterval: 30_000 });
  const values = totals.map((t) => parseUsd(t.data?.cost_usd) ?? 0n);
  const today = totals.at(-1);
  const yesterday = values.at(-2) ?? 0n;
  const scope = can.isOwner || can.isAuditor ? 'your organization' : 'your teams';
  const failed = totals.find((t) => t.error);
  return (
    <PanelSection title="Spend today">
      {today?.isPending ? (
        <p className="text-sm text-fg-muted">Loading…</p>
      ) : failed ? (
        <p className="text-sm text-fg-muted">Spend is not available to you.</p>
      ) : (
        <>
          <p className="text-2xl font-semibold tabular-nums" data-testid="spend-today">
            {formatUsd(values.at(-1) ?? 0n)}
          </p>
          <p className="text-xs text-fg-muted">
            {formatInt(today?.data?.requests ?? 0)} {today?.data?.requests === 1 ? "request" : "requests"} in {scope} · yesterday {formatUsd(yesterday)}
          </p>
          <Suspense fallback={<div className="h-20" />}>
            <TrendChart points={days.map((d, i) => ({ day: d.day, nanos: Number(values[i] ?? 0n) }))} />
          </Suspense>
          <table className="sr-only">
            <caption>Spend per day, last 14 days</caption>
            <tbody>
              {days.map((d, i) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td>{formatUsd(values[i] ?? 0n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </PanelSection>
  );
}
