import { CheckCircle2, CircleAlert } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useUsers } from '../../api/directory.ts';
import { useSession } from '../../app/session.tsx';
import { formatPercent } from '../../lib/format.ts';
import { PanelSection } from '../workspace/panel-section.tsx';

function Row({ ok, label, children }: { ok: boolean; label: string; children: ReactNode }) {
  return (
    <li className="flex items-start gap-2 text-sm">
      {ok ? <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-ok" aria-label="Good" /> : <CircleAlert className="mt-0.5 size-4 shrink-0 text-warn" aria-label="Attention" />}
      <span>
        <span className="font-medium">{label}</span> <span className="text-fg-muted">{children}</span>
      </span>
    </li>
  );
}

/** Two-factor coverage, the IP allowlist and single sign-on of the organization. */
export function SecurityStatus() {
  const { me, can } = useSession();
  const users = useUsers(can.canReadDirectory);
  const active = (users.data?.data ?? []).filter((u) => u.status === 'active');
  const with2fa = active.filter((u) => u.totp_enabled || u.sso).length;
  return (
    <PanelSection title="Security">
      <ul className="flex flex-col gap-2" data-testid="security-status">
        {can.canReadDirectory && users.data ? (
          <Row ok={active.length > 0 && with2fa === active.length} label="Two-factor:">
            {with2fa} of {active.length} people ({formatPercent(active.length ? with2fa / active.length : 0)}) use 2FA or SSO
            {me.org.require_2fa ? '; required by your organization' : ''}
          </Row>
        ) : (
          <Row ok={me.two_factor.enabled} label="Two-factor:">
            {me.two_factor.enabled ? 'on for your account' : <>off for your account — <Link className="underline" to="/settings/security">turn it on</Link></>}
          </Row>
        )}
        <Row ok={Boolean(me.org.ip_allowlist?.length)} label="IP allowlist:">
          {me.org.ip_allowlist?.length ? `${me.org.ip_allowlist.length} address range${me.org.ip_allowlist.length === 1 ? '' : 's'}` : 'off (any network)'}
        </Row>
        <Row ok={me.org.sso_enabled} label="Single sign-on:">
          {me.org.sso_enabled ? 'on' : 'off'}
        </Row>
      </ul>
    </PanelSection>
  );
}
