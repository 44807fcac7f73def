import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { InvitePage } from '../features/auth/invite-page.tsx';
import { ResetPasswordPage } from '../features/auth/reset-password-page.tsx';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { WorkspacePage } from '../features/workspace/workspace-page.tsx';
import { LoadingState } from '../ui/states.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { RequireSession } from './session.tsx';

// Pages most people open rarely load on demand, keeping the first load small.
const SettingsRoutes = lazy(() => import('../features/account/settings-routes.tsx'));
const AdminRoutes = lazy(() => import('../features/admin/admin-routes.tsx'));
const SharePage = lazy(() => import('../features/share/share-page.tsx'));

/**
 * The app's pages. Every path here is also in WEB_APP_PAGES (src/http/web-app.ts), so that opening
 * it directly (a link from mail, a reload) gets the app from the server.
 */
export function App() {
  const loading = <LoadingState className="h-full justify-center" />;
  return (
    <Suspense fallback={loading}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/invite" element={<InvitePage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/share/:token" element={<SharePage />} />
        <Route path="/" element={<RequireSession><WorkspacePage /></RequireSession>} />
        <Route path="/c/:id" element={<RequireSession><WorkspacePage /></RequireSession>} />
        <Route path="/settings" element={<Navigate to="/settings/profile" replace />} />
        <Route path="/settings/*" element={<RequireSession><SettingsRoutes /></RequireSession>} />
        <Route path="/admin/*" element={<RequireSession><AdminRoutes /></RequireSession>} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Suspense>
  );
}
