import { lazy, Suspense } from 'react';
import { LoadingState } from '../../ui/states.tsx';
import { AuthLayout } from '../auth/auth-layout.tsx';

const TwoFactorEnrolment = lazy(() => import('./two-factor-enrolment.tsx').then((m) => ({ default: m.TwoFactorEnrolment })));

/** Shown instead of the app while the organization requires 2FA and the person has not set it up. */
export function TwoFactorRequiredPage() {
  return (
    <AuthLayout title="Set up two-factor authentication" subtitle="Your organization requires it before you can use Tollgate.">
      <Suspense fallback={<LoadingState />}>
        <TwoFactorEnrolment />
      </Suspense>
    </AuthLayout>
  );
}
