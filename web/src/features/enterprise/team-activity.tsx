import { useMemo } from 'react';
import { useTeams } from '../../api/directory.ts';
import { useUsageTotals } from '../../api/usage.ts';
import { useSession } from '../../app/session.tsx';
import { formatInt, startOfLocalDay } from '../../lib/format.ts';
import { formatUsd, parseUsd } from '../../lib/money.ts';
import { PanelSection } from '../workspace/panel-section.tsx';

/** Today's requests and spend per team the person can see, busiest first. */
export function TeamActivity() {
  const { me, can } = useSession();
  const teams = useTeams();
  const list = useMemo(() => {
    const all = teams.data?.data ?? me.memberships.map((m) => ({ id: m.team_id, name: m.team_name ?? m.team_id }));
    return all.slice(0, 8);
  }, [teams.data, me.memberships]);
  const from = useMemo(() => startOfLocalDay(0).toISOString(), []);
  const totals = useUsageTotals(list.map((t) => ({ team_id: t.id, from })), { refetchInterval: 60_000 });
  const rows = list
    .map((t, i) => ({ team: t, requests: totals[i]?.data?.requests ?? 0, cost: parseUsd(totals[i]?.data?.cost_usd) ?? 0n }))
    .sort((a, b) => (b.cost > a.cost ? 1 : b.cost < a.cost ? -1 : b.requests - a.requests));
  return (
    <PanelSection title="Team activity today">
      {rows.length === 0 ? (
        <p className="text-sm text-fg-muted">{can.isOwner ? 'No teams yet.' : 'You are not in a team.'}</p>
      ) : (
        <table className="w-full text-sm">
          <caption className="sr-only">Requests and spend per team today</caption>
          <thead className="text-xs text-fg-muted">
            <tr>
              <th scope="col" className="text-left font-normal">Team</th>
              <th scope="col" className="text-right font-normal">Requests</th>
              <th scope="col" className="text-right font-normal">Spend</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.team.id}>
                <th scope="row" className="truncate text-left font-normal">{r.team.name}</th>
                <td className="text-right tabular-nums">{formatInt(r.requests)}</td>
                <td className="text-right tabular-nums">{formatUsd(r.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </PanelSection>
  );
}
