import { Plus, Trash2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { removeSsoSettings, saveSsoSettings, useSsoSettings, type SsoSettingsInput } from '../../api/directory.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { meKeys, orgKeys } from '../../api/query-keys.ts';
import { ROLES, type Role, type SsoGroupRule, type SsoSettings } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button, IconButton } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Checkbox, Field, Input, Select } from '../../ui/field.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { useNames } from './use-names.ts';

const LABELS = { issuer: 'Issuer URL', client_id: 'Client ID', client_secret: 'Client secret', scopes: 'Scopes', groups_claim: 'Groups claim', group_rules: 'Group rules', default_team_id: 'Default team', default_role: 'Default role', allowed_email_domains: 'Allowed email domains' };

/** Admin › Single sign-on: the organization's OpenID Connect provider, its group → team rules and who may sign in. */
export function SsoPage() {
  const { me } = useSession();
  const settings = useSsoSettings(me.org.id);
  return (
    <div className="flex max-w-4xl flex-col gap-4">
      <PageHeader title="Single sign-on" description="Let people sign in with your identity provider (Okta, Entra ID, Google Workspace, Keycloak…) through OpenID Connect. IdP groups map to teams and roles at every sign-in." />
      {settings.isPending ? <LoadingState /> : settings.error || !settings.data ? <ErrorState error={settings.error} onRetry={() => void settings.refetch()} /> : <SsoForm current={settings.data} />}
    </div>
  );
}

function SsoForm({ current }: { current: SsoSettings }) {
  const { me } = useSession();
  const names = useNames();
  const toast = useToast();
  const initial = () => ({
    issuer: current.issuer ?? '',
    client_id: current.client_id ?? '',
    client_secret: '',
    scopes: (current.scopes ?? ['openid', 'email', 'profile']).join(' '),
    groups_claim: current.groups_claim ?? 'groups',
    group_rules: current.group_rules ?? [],
    default_team_id: current.default_team_id ?? '',
    default_role: (current.default_role ?? '') as Role | '',
    domains: (current.allowed_email_domains ?? []).join(', '),
    jit: current.jit ?? true,
  });
  const [f, setF] = useState(initial);
  useEffect(() => setF(initial()), [current]); // eslint-disable-line react-hooks/exhaustive-deps
  const invalidate = [orgKeys.sso(me.org.id), meKeys.all, orgKeys.all];
  const save = useApiMutation(() => {
    const body: SsoSettingsInput = {
      issuer: f.issuer.trim(),
      client_id: f.client_id.trim(),
      scopes: f.scopes.split(/[\s,]+/).filter(Boolean),
      groups_claim: f.groups_claim.trim() || 'groups',
      group_rules: f.group_rules,
      default_team_id: f.default_team_id || null,
      default_role: f.default_role || null,
      allowed_email_domains: f.domains.split(/[\s,]+/).filter(Boolean).length ? f.domains.split(/[\s,]+/).filter(Boolean) : null,
      jit: f.jit,
    };
    if (f.client_secret) body.client_secret = f.client_secret;
    return saveSsoSettings(me.org.id, body);
  }, invalidate);
  const remove = useApiMutation(() => removeSsoSettings(me.org.id), invalidate);
  const field = errorField(save.error);
  const err = (p: string) => (field === p || field?.startsWith(`${p}[`) ? describeError(save.error, LABELS) : null);
  const setRule = (i: number, patch: Partial<SsoGroupRule>) => setF({ ...f, group_rules: f.group_rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });

  return (
    <>
      <Section title="Status" actions={current.enabled ? <Badge tone="ok">On</Badge> : <Badge>Off</Badge>}>
        <p className="text-sm">Register Tollgate at your identity provider as a web application with this redirect URI:</p>
        <div className="mt-2 flex items-center gap-2"><code className="min-w-0 flex-1 rounded bg-muted px-2 py-1 break-all">{current.redirect_uri}</code><CopyButton text={current.redirect_uri} /></div>
        {current.enabled && <p className="mt-2 text-sm text-fg-muted">People whose email domain is allowed see “Sign in with SSO” on the sign-in page.</p>}
      </Section>
      <Section title="Provider">
        <form className="flex flex-col gap-3" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined, { onSuccess: () => toast('Single sign-on settings saved.') }); }}>
          <Field label="Issuer URL" hint="Exactly as your provider's discovery document says (https)." error={err('issuer')}>{(p) => <Input {...p} value={f.issuer} onChange={(e) => setF({ ...f, issuer: e.target.value })} placeholder="https://login.example.com" />}</Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Client ID" error={err('client_id')}>{(p) => <Input {...p} value={f.client_id} onChange={(e) => setF({ ...f, client_id: e.target.value })} />}</Field>
            <Field label="Client secret" hint={current.client_secret_set ? 'A secret is stored; leave empty to keep it.' : 'Leave empty for a public client (PKCE only).'} error={err('client_secret')}>
              {(p) => <Input {...p} type="password" autoComplete="new-password" value={f.client_secret} onChange={(e) => setF({ ...f, client_secret: e.target.value })} placeholder={current.client_secret_set ? '••••••••' : ''} />}
            </Field>
            <Field label="Scopes" error={err('scopes')}>{(p) => <Input {...p} value={f.scopes} onChange={(e) => setF({ ...f, scopes: e.target.value })} />}</Field>
            <Field label="Groups claim" error={err('groups_claim')}>{(p) => <Input {...p} value={f.groups_claim} onChange={(e) => setF({ ...f, groups_claim: e.target.value })} />}</Field>
          </div>
          <Field label="Allowed email domains" hint="Comma-separated. Empty: any address your provider sends. A listed domain also makes the sign-in page offer SSO." error={err('allowed_email_domains')}>
            {(p) => <Input {...p} value={f.domains} onChange={(e) => setF({ ...f, domains: e.target.value })} placeholder="example.com" />}
          </Field>
          <Checkbox label="Create accounts for new people at their first sign-in" checked={f.jit} onChange={(e) => setF({ ...f, jit: e.target.checked })} />
          <fieldset className="flex flex-col gap-2">
            <legend className="text-sm font-medium">Groups → teams</legend>
            {f.group_rules.map((r, i) => (
              <div key={i} className="flex flex-wrap items-center gap-2">
                <Input aria-label={`Group of rule ${i + 1}`} className="w-48" value={r.group} placeholder="IdP group" onChange={(e) => setRule(i, { group: e.target.value })} />
                <Select aria-label={`Team of rule ${i + 1}`} className="w-48" value={r.team_id} onChange={(e) => setRule(i, { team_id: e.target.value })}>
                  {names.teams.map((t) => (<option key={t.id} value={t.id}>{t.name}</option>))}
                </Select>
                <Select aria-label={`Role of rule ${i + 1}`} className="w-32" value={r.role} onChange={(e) => setRule(i, { role: e.target.value as Role })}>
                  {ROLES.map((x) => (<option key={x} value={x}>{x}</option>))}
                </Select>
                <IconButton label={`Remove rule ${i + 1}`} onClick={() => setF({ ...f, group_rules: f.group_rules.filter((_, j) => j !== i) })}><Trash2 className="size-4" aria-hidden /></IconButton>
              </div>
            ))}
            {err('group_rules') && <p className="text-xs text-danger">{err('group_rules')}</p>}
            <div><Button size="sm" onClick={() => setF({ ...f, group_rules: [...f.group_rules, { group: '', team_id: names.teams[0]?.id ?? '', role: 'member' }] })}><Plus className="size-3.5" aria-hidden /> Add a rule</Button></div>
          </fieldset>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Team for people no rule matches" error={err('default_team_id')}>
              {(p) => (<Select {...p} value={f.default_team_id} onChange={(e) => setF({ ...f, default_team_id: e.target.value, default_role: e.target.value ? f.default_role || 'member' : '' })}><option value="">No team</option>{names.teams.map((t) => (<option key={t.id} value={t.id}>{t.name}</option>))}</Select>)}
            </Field>
            <Field label="Their role" error={err('default_role')}>
              {(p) => (<Select {...p} value={f.default_role} disabled={!f.default_team_id} onChange={(e) => setF({ ...f, default_role: e.target.value as Role })}><option value="">—</option>{ROLES.map((x) => (<option key={x} value={x}>{x}</option>))}</Select>)}
            </Field>
          </div>
          {save.error && !field && <Notice>{describeError(save.error)}</Notice>}
          <div className="flex gap-2">
            <Button type="submit" variant="primary" busy={save.isPending} disabled={!f.issuer.trim() || !f.client_id.trim()}>Save</Button>
            {current.enabled && <Button variant="danger" busy={remove.isPending} onClick={() => window.confirm('Turn single sign-on off? People without a password cannot sign in until it is back.') && remove.mutate(undefined, { onSuccess: () => toast('Single sign-on is off.'), onError: (e) => toast(describeError(e), 'danger') })}>Turn off</Button>}
          </div>
        </form>
      </Section>
    </>
  );
}
