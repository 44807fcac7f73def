import { Link } from 'react-router';
import { useSession } from '../../app/session.tsx';
import { PanelSection } from '../workspace/panel-section.tsx';
import { BudgetUse } from './budget-use.tsx';
import { SecurityStatus } from './security-status.tsx';
import { SpendToday } from './spend-today.tsx';
import { TeamActivity } from './team-activity.tsx';

/** The Enterprise panel: spend and its trend, budget use, team activity, security, and the way to administration. */
export function EnterprisePanel() {
  const { can } = useSession();
  const links = [
    { to: '/admin/usage', label: 'Usage analytics', show: true },
    { to: '/admin/budgets', label: 'Budgets and alerts', show: can.canReadBudgets && can.hasAdmin },
    { to: '/admin/keys', label: 'Keys', show: can.canManageKeys },
    { to: '/admin/members', label: 'People and teams', show: can.canReadDirectory },
    { to: '/admin/audit', label: 'Audit log', show: can.canReadAudit },
  ].filter((l) => l.show);
  return (
    <div data-testid="enterprise-panel" aria-label="Enterprise" role="region" className="flex flex-col">
      <SpendToday />
      <BudgetUse />
      <TeamActivity />
      <SecurityStatus />
      <PanelSection title="Administration">
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-sm">
          {links.map((l) => (
            <li key={l.to}>
              <Link className="text-accent underline" to={l.to}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </PanelSection>
    </div>
  );
}
