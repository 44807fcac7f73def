import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { signIn, type SignInInput } from '../../api/account.ts';
import { isApiError } from '../../api/api-error.ts';
import { setCsrfToken } from '../../api/http.ts';
import { safeNext } from '../../app/session.tsx';
import { describeError } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { Notice } from '../../ui/states.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { SsoSignIn } from './sso-lookup.tsx';
import { SecondFactorStep } from './second-factor-step.tsx';

/** Sign-in: email and password, then a TOTP or recovery code when the account has 2FA; SSO by domain. */
export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'password' | 'second-factor'>('password');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function attempt(input: SignInInput) {
    setBusy(true);
    setError(null);
    try {
      const result = await signIn(input);
      setCsrfToken(result.csrf_token);
      // Nothing cached for someone else may survive a sign-in.
      qc.clear();
      navigate(next, { replace: true });
    } catch (err) {
      if (isApiError(err) && err.code === 'totp_required') setStep('second-factor');
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void attempt({ email, password });
  }

  if (step === 'second-factor') {
    return (
      <SecondFactorStep
        busy={busy}
        error={error}
        onBack={() => {
          setStep('password');
          setError(null);
        }}
        onSubmit={(factor) => void attempt({ email, password, ...factor })}
      />
    );
  }

  return (
    <AuthLayout title="Sign in to Tollgate" subtitle="Chat with your organization's models, with the cost in view.">
      {params.get('ended') && !error && <Notice tone="info" className="mb-4">Your session has ended. Sign in again to continue.</Notice>}
      {params.get('erased') && !error && <Notice tone="ok" className="mb-4">Your account was erased and you are signed out. Your conversations are gone; your usage stays in your organization's reports under a pseudonym.</Notice>}
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label="Email">
          {(p) => <Input {...p} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />}
        </Field>
        <Field label="Password">
          {(p) => <Input {...p} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        {error !== null && <Notice>{describeError(error)}</Notice>}
        <Button type="submit" variant="primary" busy={busy} disabled={!email || !password}>
          Sign in
        </Button>
      </form>
      <SsoSignIn email={email} next={next} />
      <p className="mt-4 text-center text-sm">
        <Link to="/reset-password" className="text-accent underline">
          Forgot your password?
        </Link>
      </p>
    </AuthLayout>
  );
}
