import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { confirmPasswordReset, requestPasswordReset } from '../../api/account.ts';
import { describeError, errorField } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { Notice } from '../../ui/states.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { NewPasswordFields } from './new-password-fields.tsx';
import { useLinkToken } from './use-link-token.ts';

/** /reset-password: asks for a link by email, or (with ?token= from the mail) sets the new password. */
export function ResetPasswordPage() {
  const token = useLinkToken();
  return token ? <ChooseNewPassword token={token} /> : <AskForLink />;
}

function AskForLink() {
  const [email, setEmail] = useState('');
  const ask = useMutation({ mutationFn: () => requestPasswordReset(email.trim()) });
  if (ask.isSuccess) {
    return (
      <AuthLayout title="Check your email">
        <p className="text-sm">
          If <strong>{email}</strong> has an account, a link to choose a new password is on its way. It works once, for one hour.
        </p>
        <p className="mt-4 text-sm">
          <Link to="/sign-in" className="text-accent underline">Back to sign in</Link>
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Reset your password" subtitle="We will email you a link to choose a new one.">
      <form
        className="flex flex-col gap-4"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          ask.mutate();
        }}
      >
        <Field label="Email">{(p) => <Input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />}</Field>
        {ask.error && <Notice>{describeError(ask.error)}</Notice>}
        <Button type="submit" variant="primary" busy={ask.isPending} disabled={!email.includes('@')}>
          Send the link
        </Button>
      </form>
      <p className="mt-4 text-center text-sm">
        <Link to="/sign-in" className="text-accent underline">Back to sign in</Link>
      </p>
    </AuthLayout>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [valid, setValid] = useState(false);
  const confirm = useMutation({ mutationFn: () => confirmPasswordReset(token, password) });
  if (confirm.isSuccess) {
    return (
      <AuthLayout title="Your password is set">
        <p className="text-sm">Every browser that was signed in to your account has been signed out. Sign in with your new password.</p>
        <Link to="/sign-in" className="mt-4 inline-flex h-9 w-full items-center justify-center rounded-md bg-accent font-medium text-accent-fg">
          Sign in
        </Link>
      </AuthLayout>
    );
  }
  const fieldError = errorField(confirm.error) === 'new_password' ? describeError(confirm.error) : null;
  return (
    <AuthLayout title="Choose a new password">
      <form
        className="flex flex-col gap-4"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          confirm.mutate();
        }}
      >
        <NewPasswordFields value={password} serverError={fieldError} onChange={(v, ok) => { setPassword(v); setValid(ok); }} />
        {confirm.error && !fieldError && (
          <Notice>
            {describeError(confirm.error)}{' '}
            <Link to="/reset-password" className="underline">Ask for a new link</Link>
          </Notice>
        )}
        <Button type="submit" variant="primary" busy={confirm.isPending} disabled={!valid}>
          Set the password
        </Button>
      </form>
    </AuthLayout>
  );
}
