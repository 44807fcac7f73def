import { Navigate, Route, Routes } from 'react-router';
import { SideNavLayout } from '../../app/app-header.tsx';
import { ForbiddenPage } from '../../app/forbidden-page.tsx';
import { useSession } from '../../app/session.tsx';
import { AuditPage } from './audit-page.tsx';
import { BudgetsPage } from './budgets-page.tsx';
import { InvitationsPage } from './invitations-page.tsx';
import { AdminKeysPage } from './keys-page.tsx';
import { MembersPage } from './members-page.tsx';
import { OrgsPage } from './orgs-page.tsx';
import { PricesPage } from './prices-page.tsx';
import { RetentionPage } from './retention-page.tsx';
import { SsoPage } from './sso-page.tsx';
import { TeamsPage } from './teams-page.tsx';
import { UsagePage } from '../usage/usage-page.tsx';

/** /admin/…: administration, each page shown to the roles that can use it (loaded on demand). */
export default function AdminRoutes() {
  const { can } = useSession();
  const all = [
    { path: 'usage', label: 'Usage analytics', show: true, element: <UsagePage /> },
    { path: 'keys', label: 'Keys', show: can.canManageKeys, element: <AdminKeysPage /> },
    { path: 'budgets', label: 'Budgets and alerts', show: can.hasAdmin, element: <BudgetsPage /> },
    { path: 'members', label: 'People', show: can.canReadDirectory, element: <MembersPage /> },
    { path: 'teams', label: 'Teams', show: can.canReadDirectory, element: <TeamsPage /> },
    { path: 'invitations', label: 'Invitations', show: can.canInvite || can.isAuditor, element: <InvitationsPage /> },
    { path: 'audit', label: 'Audit log', show: can.canReadAudit, element: <AuditPage /> },
    { path: 'prices', label: 'Prices', show: can.hasAdmin, element: <PricesPage /> },
    { path: 'orgs', label: 'Organization', show: can.isOwner || can.isAuditor, element: <OrgsPage /> },
    { path: 'sso', label: 'Single sign-on', show: can.isOwner, element: <SsoPage /> },
    { path: 'retention', label: 'Retention', show: can.isOwner || can.isAuditor, element: <RetentionPage /> },
  ];
  const pages = all.filter((p) => p.show);
  return (
    <SideNavLayout title="Administration" nav={pages.map((p) => ({ to: `/admin/${p.path}`, label: p.label }))}>
      <Routes>
        {all.map((p) => (
          // A page the person may not use says so at its address, rather than showing a broken page.
          <Route key={p.path} path={p.path} element={p.show ? p.element : <ForbiddenPage />} />
        ))}
        <Route path="*" element={<Navigate to={`/admin/${pages[0]!.path}`} replace />} />
      </Routes>
    </SideNavLayout>
  );
}
