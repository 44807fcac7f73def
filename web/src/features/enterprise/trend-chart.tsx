import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts';
import { formatUsd } from '../../lib/money.ts';

export interface TrendPoint {
  day: string;
  nanos: number;
}

/** A small area chart of spend per day (loaded on demand: the chart library is not in the first load). */
export default function TrendChart({ points }: { points: TrendPoint[] }) {
  return (
    <div className="h-20 w-full" aria-hidden>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart accessibilityLayer={false} data={points} margin={{ top: 4, right: 0, bottom: 0, left: 0 }}>
          <XAxis dataKey="day" hide />
          <Tooltip
            formatter={(v) => [formatUsd(BigInt(Math.round(Number(v)))), 'Spend']}
            labelFormatter={(l) => String(l)}
            contentStyle={{ fontSize: 12, background: 'var(--color-bg)', border: '1px solid var(--color-line)' }}
          />
          <Area type="monotone" dataKey="nanos" stroke="var(--color-accent)" fill="var(--color-accent-soft)" strokeWidth={2} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
