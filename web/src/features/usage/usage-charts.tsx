import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatUsd } from '../../lib/money.ts';
import type { UsageGroup } from './usage-aggregate.ts';

const usd = (v: unknown) => formatUsd(BigInt(Math.round(Number(v))));

/** Cost per day as bars (loaded on demand with the chart library). */
export function DayChart({ groups }: { groups: UsageGroup[] }) {
  const data = groups.map((g) => ({ day: g.key.slice(5), nanos: Number(g.costNanos) }));
  return (
    <div className="h-56 w-full" aria-hidden>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="var(--color-line)" />
          <XAxis dataKey="day" tick={{ fontSize: 11, fill: 'var(--color-fg-muted)' }} />
          <YAxis tickFormatter={usd} tick={{ fontSize: 11, fill: 'var(--color-fg-muted)' }} width={70} />
          <Tooltip formatter={(v) => [usd(v), 'Cost']} contentStyle={{ fontSize: 12, background: 'var(--color-bg)', border: '1px solid var(--color-line)' }} />
          <Bar dataKey="nanos" fill="var(--color-accent)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Cost per model, key, person or team as horizontal bars (the top 10). */
export function BreakdownChart({ groups, label }: { groups: UsageGroup[]; label: (key: string) => string }) {
  const data = groups.slice(0, 10).map((g) => ({ name: label(g.key), nanos: Number(g.costNanos) }));
  return (
    <div className="w-full" style={{ height: Math.max(80, data.length * 28 + 20) }} aria-hidden>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ top: 0, right: 8, bottom: 0, left: 8 }}>
          <XAxis type="number" hide />
          <YAxis type="category" dataKey="name" width={140} tick={{ fontSize: 11, fill: 'var(--color-fg-muted)' }} />
          <Tooltip formatter={(v) => [usd(v), 'Cost']} contentStyle={{ fontSize: 12, background: 'var(--color-bg)', border: '1px solid var(--color-line)' }} />
          <Bar dataKey="nanos" fill="var(--color-accent)" radius={[0, 3, 3, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
