import { useBudgets } from '../../api/budgets.ts';
import type { Budget } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { budgetsThatApply } from '../../lib/my-budgets.ts';
import { formatPercent, formatRelative } from '../../lib/format.ts';
import { formatUsd, formatUsdText, parseUsd, ratio } from '../../lib/money.ts';
import { Meter } from '../../ui/meter.tsx';
import { PanelSection } from '../workspace/panel-section.tsx';

/** The budgets that limit the person: how much is used, the forecast at the period's end, when it resets. */
export function BudgetUse() {
  const { me } = useSession();
  const budgets = useBudgets();
  const mine = budgetsThatApply(budgets.data?.data ?? [], me);
  return (
    <PanelSection title="Budget use">
      {budgets.isPending ? (
        <p className="text-sm text-fg-muted">Loading…</p>
      ) : budgets.error ? (
        <p className="text-sm text-fg-muted">Budgets are not available to you.</p>
      ) : mine.length === 0 ? (
        <p className="text-sm text-fg-muted">No budget limits your spending.</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {mine.map((b) => (
            <BudgetRow key={b.id} b={b} />
          ))}
        </ul>
      )}
    </PanelSection>
  );
}

export function BudgetRow({ b }: { b: Budget }) {
  const spent = parseUsd(b.spent_usd) ?? 0n;
  const limit = parseUsd(b.limit_usd) ?? 0n;
  const used = ratio(spent, limit);
  const projected = parseUsd(b.projected_usd);
  const overForecast = projected !== null && projected > limit;
  return (
    <li data-testid="budget-use">
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="truncate font-medium">{b.name}</span>
        <span className="tabular-nums">{formatPercent(used)}</span>
      </div>
      <Meter value={used} label={`${b.name} used`} valueText={`${formatUsd(spent)} of ${formatUsd(limit)}`} className="mt-1" />
      <p className="mt-1 text-xs text-fg-muted">
        {formatUsd(spent)} of {formatUsdText(b.limit_usd)} {b.period}
        {projected !== null && (
          <span className={overForecast ? 'text-danger' : undefined}> · forecast {formatUsd(projected)}</span>
        )}
        {b.resets_at && ` · resets ${formatRelative(b.resets_at)}`}
      </p>
    </li>
  );
}
