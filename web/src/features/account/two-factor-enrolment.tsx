import { useMutation, useQueryClient } from '@tanstack/react-query';
import { QRCodeSVG } from 'qrcode.react';
import { useState, type FormEvent } from 'react';
import { confirmTwoFactor, startTwoFactor } from '../../api/account.ts';
import { meKeys } from '../../api/query-keys.ts';
import { describeError } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { Notice } from '../../ui/states.tsx';
import { RecoveryCodes } from './recovery-codes.tsx';

/**
 * Turns on two-factor authentication: a QR code (and the key to type in) for an authenticator app,
 * a first code to prove it works, then the recovery codes, once.
 */
export function TwoFactorEnrolment({ onDone }: { onDone?: () => void }) {
  const qc = useQueryClient();
  const start = useMutation({ mutationFn: startTwoFactor });
  const [code, setCode] = useState('');
  const confirm = useMutation({ mutationFn: () => confirmTwoFactor(code.replace(/\s/g, '')) });

  if (confirm.data) {
    return (
      <div className="flex flex-col gap-4">
        <Notice tone="ok">Two-factor authentication is on. From now on, signing in asks for a code from your app.</Notice>
        <RecoveryCodes codes={confirm.data.recovery_codes} />
        <div>
          <Button
            variant="primary"
            onClick={async () => {
              await qc.invalidateQueries({ queryKey: meKeys.all });
              onDone?.();
            }}
          >
            I have saved my recovery codes
          </Button>
        </div>
      </div>
    );
  }

  if (!start.data) {
    return (
      <div className="flex flex-col items-start gap-3">
        <p className="text-sm text-fg-muted">
          You will need an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator, 1Password or Aegis).
        </p>
        {start.error && <Notice>{describeError(start.error)}</Notice>}
        <Button variant="primary" busy={start.isPending} onClick={() => start.mutate()}>
          Set up two-factor authentication
        </Button>
      </div>
    );
  }

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        confirm.mutate();
      }}
    >
      <ol className="flex list-decimal flex-col gap-3 pl-5 text-sm">
        <li>
          Scan this QR code with your authenticator app.
          <div className="mt-2 w-fit rounded-md border border-line bg-white p-3">
            <QRCodeSVG value={start.data.otpauth_url} size={176} title="QR code for your authenticator app" />
          </div>
        </li>
        <li>
          Can't scan it? Enter this key in the app instead:
          <div className="mt-1 flex items-center gap-2">
            <code data-testid="totp-secret" className="rounded bg-muted px-2 py-1 font-mono text-sm break-all">
              {start.data.secret}
            </code>
            <CopyButton text={start.data.secret} label="Copy key" />
          </div>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <Field label="Code from the app" className="max-w-48">
        {(p) => <Input {...p} inputMode="numeric" autoComplete="one-time-code" maxLength={7} value={code} onChange={(e) => setCode(e.target.value)} />}
      </Field>
      {confirm.error && <Notice>{describeError(confirm.error)}</Notice>}
      <div>
        <Button type="submit" variant="primary" busy={confirm.isPending} disabled={code.replace(/\s/g, '').length !== 6}>
          Turn on two-factor authentication
        </Button>
      </div>
    </form>
  );
}
