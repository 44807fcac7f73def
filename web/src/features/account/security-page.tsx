import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { disableTwoFactor, newRecoveryCodes } from '../../api/account.ts';
import { meKeys } from '../../api/query-keys.ts';
import { useSession } from '../../app/session.tsx';
import { describeError } from '../../lib/error-text.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { Notice } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { RecoveryCodes } from './recovery-codes.tsx';
import { TwoFactorEnrolment } from './two-factor-enrolment.tsx';

/** Settings › Security: two-factor authentication on, off, and new recovery codes. */
export function SecurityPage() {
  const { me } = useSession();
  const on = me.two_factor.enabled;
  return (
    <>
      <PageHeader title="Security" description="Two-factor authentication protects your account even if your password leaks." />
      <Section
        title="Two-factor authentication"
        actions={on ? <Badge tone="ok">On</Badge> : <Badge tone="warn">Off</Badge>}
        description={me.user?.sso ? 'You sign in with single sign-on; your identity provider asks for the second factor there.' : undefined}
      >
        {on ? <TwoFactorOn requiredByOrg={me.two_factor.required_by_org} /> : <TwoFactorEnrolment />}
      </Section>
    </>
  );
}

function TwoFactorOn({ requiredByOrg }: { requiredByOrg: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const regenerate = useMutation({ mutationFn: () => newRecoveryCodes(code.trim()) });
  const disable = useMutation({
    mutationFn: () => disableTwoFactor(password ? { password } : { code: code.trim() }),
    onSuccess: async () => {
      toast('Two-factor authentication is off.');
      await qc.invalidateQueries({ queryKey: meKeys.all });
    },
  });
  if (regenerate.data) return <RecoveryCodes codes={regenerate.data.recovery_codes} />;
  return (
    <div className="flex flex-col gap-5">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          regenerate.mutate();
        }}
      >
        <Field label="Current code from your app" className="w-48">
          {(p) => <Input {...p} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <Button type="submit" busy={regenerate.isPending} disabled={code.trim().length < 6}>
          Get new recovery codes
        </Button>
      </form>
      {regenerate.error && <Notice>{describeError(regenerate.error)}</Notice>}
      {requiredByOrg ? (
        <p className="text-sm text-fg-muted">Your organization requires two-factor authentication, so it cannot be turned off.</p>
      ) : (
        <form
          className="flex flex-wrap items-end gap-3 border-t border-line pt-4"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            disable.mutate();
          }}
        >
          <Field label="Your password (or a current code above)" className="w-64">
            {(p) => <Input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <Button type="submit" variant="danger" busy={disable.isPending} disabled={!password && code.trim().length < 6}>
            Turn off two-factor authentication
          </Button>
          {disable.error && <Notice className="w-full">{describeError(disable.error)}</Notice>}
        </form>
      )}
    </div>
  );
}
