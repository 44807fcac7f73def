import { useState, type FormEvent } from 'react';
import { describeError } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { Notice } from '../../ui/states.tsx';
import { AuthLayout } from './auth-layout.tsx';

interface Props {
  busy: boolean;
  error: unknown;
  onBack: () => void;
  onSubmit: (factor: { totp_code: string } | { recovery_code: string }) => void;
}

/** The second step of signing in: the code from the authenticator app, or a recovery code. */
export function SecondFactorStep({ busy, error, onBack, onSubmit }: Props) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit(useRecovery ? { recovery_code: code.trim() } : { totp_code: code.replace(/\s/g, '') });
  }

  return (
    <AuthLayout
      title="Two-factor authentication"
      subtitle={useRecovery ? 'Enter one of the recovery codes you saved when you set up two-factor authentication.' : 'Enter the 6-digit code from your authenticator app.'}
    >
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field label={useRecovery ? 'Recovery code' : 'Authentication code'}>
          {(p) =>
            useRecovery ? (
              <Input {...p} key="recovery" autoComplete="off" placeholder="xxxx-xxxx-xxxx-xxxx" value={code} onChange={(e) => setCode(e.target.value)} autoFocus />
            ) : (
              <Input
                {...p}
                key="totp"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={7}
                placeholder="123456"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                autoFocus
              />
            )
          }
        </Field>
        {error !== null && error !== undefined && <Notice>{describeError(error)}</Notice>}
        <Button type="submit" variant="primary" busy={busy} disabled={code.trim().length < (useRecovery ? 8 : 6)}>
          Verify and sign in
        </Button>
      </form>
      <div className="mt-4 flex justify-between text-sm">
        <button type="button" className="text-accent underline" onClick={onBack}>
          Back
        </button>
        <button
          type="button"
          className="text-accent underline"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
          }}
        >
          {useRecovery ? 'Use your authenticator app' : 'Use a recovery code'}
        </button>
      </div>
    </AuthLayout>
  );
}
