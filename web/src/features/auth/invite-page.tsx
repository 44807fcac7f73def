import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { acceptInvitation, previewInvitation } from '../../api/account.ts';
import { isApiError } from '../../api/api-error.ts';
import { setCsrfToken } from '../../api/http.ts';
import { invitationKeys } from '../../api/query-keys.ts';
import type { InvitationPreview } from '../../api/types.ts';
import { describeError, errorField } from '../../lib/error-text.ts';
import { formatDate } from '../../lib/format.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { LoadingState, Notice } from '../../ui/states.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { NewPasswordFields } from './new-password-fields.tsx';
import { useLinkToken } from './use-link-token.ts';

/** /invite?token=…: joins a team from the mailed link, creating the account or setting its password. */
export function InvitePage() {
  const token = useLinkToken();
  const preview = useQuery({ queryKey: invitationKeys.preview(token ?? ''), queryFn: () => previewInvitation(token!), enabled: Boolean(token), retry: false });
  if (!token) return <InvalidLink text="This page needs the link from your invitation email. Open the link from the email again." />;
  if (preview.isPending) return <AuthLayout title="Your invitation"><LoadingState label="Checking your invitation…" /></AuthLayout>;
  if (preview.error) return <InvalidLink text={describeError(preview.error)} />;
  return <AcceptForm token={token} invitation={preview.data} />;
}

function InvalidLink({ text }: { text: string }) {
  return (
    <AuthLayout title="This invitation cannot be used">
      <Notice>{text}</Notice>
      <p className="mt-4 text-sm">
        Already have an account? <Link to="/sign-in" className="text-accent underline">Sign in</Link>
      </p>
    </AuthLayout>
  );
}

function AcceptForm({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [valid, setValid] = useState(false);
  // An existing account with two-factor authentication proves itself as at sign-in.
  const [needsCode, setNeedsCode] = useState(false);
  const [code, setCode] = useState('');
  const accept = useMutation({
    mutationFn: () => acceptInvitation({ token, password, ...(name.trim() ? { name: name.trim() } : {}), ...(needsCode ? { totp_code: code.replace(/\s/g, '') } : {}) }),
    onError: (err) => {
      if (isApiError(err) && err.code === 'totp_required') setNeedsCode(true);
    },
    onSuccess: (result) => {
      setCsrfToken(result.csrf_token);
      qc.clear();
      navigate('/', { replace: true });
    },
  });
  const existing = invitation.account === 'existing';
  const canSubmit = (existing ? password.length > 0 : valid && (invitation.account !== 'new' || name.trim().length > 0)) && (!needsCode || code.replace(/\s/g, '').length === 6);
  const field = errorField(accept.error);
  return (
    <AuthLayout
      title={`Join ${invitation.team_name}`}
      subtitle={
        <>
          You are invited to <strong>{invitation.org_name}</strong> as <strong>{invitation.role}</strong> of the team {invitation.team_name}. The invitation is valid until {formatDate(invitation.expires_at)}.
        </>
      }
    >
      <form
        className="flex flex-col gap-4"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          accept.mutate();
        }}
      >
        <Field label="Email">{(p) => <Input {...p} type="email" autoComplete="username" value={invitation.email} readOnly />}</Field>
        {invitation.account === 'new' && (
          <Field label="Your name" hint="How people in your organization will see you." error={field === 'name' ? describeError(accept.error) : null}>
            {(p) => <Input {...p} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
          </Field>
        )}
        {existing ? (
          <Field label="Your password" hint="You already have an account: sign in with its password to join the team.">
            {(p) => <Input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />}
          </Field>
        ) : (
          <NewPasswordFields
            label="Choose a password"
            value={password}
            serverError={field === 'password' ? describeError(accept.error) : null}
            onChange={(v, ok) => {
              setPassword(v);
              setValid(ok);
            }}
          />
        )}
        {needsCode && (
          <Field label="Authentication code" hint="Your account has two-factor authentication: the 6-digit code from your app.">
            {(p) => <Input {...p} inputMode="numeric" autoComplete="one-time-code" maxLength={7} value={code} onChange={(e) => setCode(e.target.value)} autoFocus />}
          </Field>
        )}
        {accept.error && field !== 'password' && field !== 'name' && !(isApiError(accept.error) && accept.error.code === 'totp_required') && <Notice>{describeError(accept.error)}</Notice>}
        <Button type="submit" variant="primary" busy={accept.isPending} disabled={!canSubmit}>
          {existing ? 'Join the team' : 'Create my account and join'}
        </Button>
      </form>
    </AuthLayout>
  );
}
