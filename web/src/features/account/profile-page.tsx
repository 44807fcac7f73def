import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { changePassword, updateProfile } from '../../api/account.ts';
import { setCsrfToken } from '../../api/http.ts';
import { meKeys, sessionKeys } from '../../api/query-keys.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { Notice } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { NewPasswordFields } from '../auth/new-password-fields.tsx';

/** Settings › Profile: display name and password. */
export function ProfilePage() {
  const { me } = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(me.user?.name ?? '');
  const rename = useMutation({
    mutationFn: () => updateProfile(name.trim()),
    onSuccess: async () => {
      toast('Your name is saved.');
      await qc.invalidateQueries({ queryKey: meKeys.all });
    },
  });
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [valid, setValid] = useState(false);
  const password = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: async (r) => {
      if (r.csrf_token) setCsrfToken(r.csrf_token);
      setCurrent('');
      toast('Your password is changed. Every other browser has been signed out.');
      await qc.invalidateQueries({ queryKey: sessionKeys.all });
    },
  });
  const pwField = errorField(password.error);
  return (
    <div className="flex max-w-2xl flex-col gap-4">
      <PageHeader title="Profile" description={`Signed in as ${me.user?.email ?? ''} in ${me.org.name}.`} />
      <Section title="Your name">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            rename.mutate();
          }}
        >
          <Field label="Display name" className="w-72" error={rename.error ? describeError(rename.error) : null}>
            {(p) => <Input {...p} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Button type="submit" busy={rename.isPending} disabled={!name.trim() || name.trim() === me.user?.name}>
            Save
          </Button>
        </form>
      </Section>
      <Section title="Password" description={me.user?.has_password ? 'Changing it signs out every other browser.' : 'You sign in with single sign-on and have no password here.'}>
        {me.user?.has_password && (
          <form
            className="flex max-w-sm flex-col gap-3"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              password.mutate();
            }}
          >
            <Field label="Current password" error={pwField === 'current_password' ? describeError(password.error) : null}>
              {(p) => <Input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
            </Field>
            <NewPasswordFields value={next} serverError={pwField === 'new_password' ? describeError(password.error) : null} onChange={(v, ok) => { setNext(v); setValid(ok); }} />
            {password.error && pwField !== 'current_password' && pwField !== 'new_password' && <Notice>{describeError(password.error)}</Notice>}
            <div>
              <Button type="submit" busy={password.isPending} disabled={!current || !valid}>
                Change password
              </Button>
            </div>
          </form>
        )}
      </Section>
    </div>
  );
}
