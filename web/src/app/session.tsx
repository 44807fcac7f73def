import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useMe } from '../api/account.ts';
import { isApiError } from '../api/api-error.ts';
import { onSessionEnded, setCsrfToken } from '../api/http.ts';
import { meKeys } from '../api/query-keys.ts';
import type { Me } from '../api/types.ts';
import { capabilitiesOf, type Capabilities } from '../lib/capabilities.ts';
import { ErrorState, LoadingState } from '../ui/states.tsx';
import { TwoFactorRequiredPage } from '../features/account/two-factor-required-page.tsx';

interface SessionValue {
  me: Me;
  can: Capabilities;
}

const SessionContext = createContext<SessionValue | null>(null);

/** The signed-in person and what they may do; only inside RequireSession. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside RequireSession');
  return value;
}

/** Where sign-in sends people back to: a path of this app, never another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/**
 * Renders its children only for a signed-in person; otherwise sends them to sign-in and back here
 * afterwards. When the organization requires two-factor authentication and the person has none,
 * shows the enrolment page instead of the app.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();

  useEffect(
    () =>
      onSessionEnded(() => {
        setCsrfToken(undefined);
        qc.removeQueries({ queryKey: meKeys.all });
        navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}&ended=1`, { replace: true });
      }),
    [qc, navigate, location.pathname, location.search],
  );

  if (me.isPending) return <LoadingState label="Opening Tollgate…" className="h-full justify-center" />;
  if (me.error) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
    }
    return (
      <div className="mx-auto max-w-md p-8">
        <ErrorState error={me.error} title="Tollgate could not load your account" onRetry={() => void me.refetch()} />
      </div>
    );
  }
  const value = { me: me.data, can: capabilitiesOf(me.data) };
  if (me.data.two_factor.required_by_org && !me.data.two_factor.enabled) {
    return (
      <SessionContext.Provider value={value}>
        <TwoFactorRequiredPage />
      </SessionContext.Provider>
    );
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
