import { useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useState } from 'react';
import { createOrg, updateOrg, useOrgs } from '../../api/directory.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { meKeys, orgKeys } from '../../api/query-keys.ts';
import type { Org, OrgCreated } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { formatDate } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Checkbox, Field, Input, Textarea } from '../../ui/field.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';
import { listOrNull } from '../keys/key-form.tsx';

/** Admin › Organization: your organization's name, 2FA requirement and IP allowlist; other organizations for the deployment's operator. */
export function OrgsPage() {
  const { me, can } = useSession();
  const orgs = useOrgs();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<OrgCreated | null>(null);
  const [form, setForm] = useState({ name: '', owner_email: '' });
  const create = useApiMutation(() => createOrg({ name: form.name.trim(), owner_email: form.owner_email.trim() }), [orgKeys.all]);
  const others = (orgs.data?.data ?? []).filter((o) => o.id !== me.org.id);
  return (
    <div className="flex max-w-5xl flex-col gap-4">
      <PageHeader title="Organization" description="Settings that apply to everyone in your organization." />
      <OrgSettings org={(orgs.data?.data ?? []).find((o) => o.id === me.org.id) ?? me.org} editable={can.isOwner} />
      {orgs.isPending ? (
        <LoadingState />
      ) : orgs.error ? (
        <ErrorState error={orgs.error} />
      ) : (
        (others.length > 0 || can.isOwner) && (
          <Section
            title="Other organizations"
            description="The home organization's owners run the deployment and may create organizations for other companies or departments."
            actions={can.isOwner && <Button size="sm" onClick={() => { create.reset(); setCreating(true); }}><Plus className="size-3.5" aria-hidden /> New organization</Button>}
          >
            {others.length === 0 ? (
              <p className="text-sm text-fg-muted">None.</p>
            ) : (
              <Table<Org> caption="Organizations" rows={others} rowKey={(o) => o.id} columns={[
                { header: 'Name', cell: (o) => o.name },
                { header: 'Created', cell: (o) => formatDate(o.created_at) },
                { header: 'Security', cell: (o) => <div className="flex gap-1">{o.require_2fa && <Badge>2FA required</Badge>}{o.sso_enabled && <Badge>SSO</Badge>}</div> },
              ]} />
            )}
          </Section>
        )
      )}
      <Dialog
        open={creating}
        onOpenChange={setCreating}
        title="New organization"
        description="Creates the organization with a Default team, and invites its owner (the link is shown once and mailed when mail is configured)."
        footer={<><Button onClick={() => setCreating(false)}>Cancel</Button><Button variant="primary" busy={create.isPending} disabled={!form.name.trim() || !form.owner_email.includes('@')} onClick={() => create.mutate(undefined, { onSuccess: (r) => { setCreating(false); setCreated(r); toast(`${r.org.name} created.`); } })}>Create</Button></>}
      >
        <div className="flex flex-col gap-3">
          <Field label="Name">{(p) => <Input {...p} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}</Field>
          <Field label="Owner's email" error={errorField(create.error) === 'owner_email' ? describeError(create.error, { owner_email: "Owner's email" }) : null}>
            {(p) => <Input {...p} type="email" value={form.owner_email} onChange={(e) => setForm({ ...form, owner_email: e.target.value })} />}
          </Field>
          {create.error && errorField(create.error) !== 'owner_email' && <Notice>{describeError(create.error)}</Notice>}
        </div>
      </Dialog>
      <Dialog open={created !== null} onOpenChange={(o) => !o && setCreated(null)} title="Organization created" footer={<Button onClick={() => setCreated(null)}>Done</Button>}>
        {created && (
          <div className="flex flex-col gap-2 text-sm">
            <p>{created.mailed ? 'The owner was mailed their invitation.' : created.invitation_url ? 'Send the owner this invitation link:' : 'The invitation could not be mailed; invite the owner again from Invitations.'}</p>
            {created.invitation_url && (
              <div className="flex items-center gap-2"><code className="min-w-0 flex-1 break-all">{created.invitation_url}</code><CopyButton text={created.invitation_url} /></div>
            )}
          </div>
        )}
      </Dialog>
    </div>
  );
}

function OrgSettings({ org, editable }: { org: Org; editable: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(org.name);
  const [require2fa, setRequire2fa] = useState(org.require_2fa);
  const [ips, setIps] = useState((org.ip_allowlist ?? []).join('\n'));
  const save = useApiMutation(() => updateOrg(org.id, { name: name.trim(), require_2fa: require2fa, ip_allowlist: listOrNull(ips) }), [orgKeys.all, meKeys.all]);
  const field = errorField(save.error);
  return (
    <Section title={org.name} description={`Created ${formatDate(org.created_at)}.`}>
      <form className="flex max-w-lg flex-col gap-3" onSubmit={(e) => { e.preventDefault(); save.mutate(undefined, { onSuccess: () => { toast('Organization settings saved.'); void qc.invalidateQueries({ queryKey: meKeys.all }); } }); }}>
        <Field label="Name" error={field === 'name' ? describeError(save.error) : null}>{(p) => <Input {...p} value={name} disabled={!editable} onChange={(e) => setName(e.target.value)} />}</Field>
        <Checkbox label="Require two-factor authentication for everyone (people without it must set it up before anything else)" checked={require2fa} disabled={!editable} onChange={(e) => setRequire2fa(e.target.checked)} />
        <Field label="IP allowlist" hint="Addresses or CIDR blocks, one per line. Every key and session must come from one. Empty: any network. Your own address must be in it." error={field?.startsWith('ip_allowlist') ? describeError(save.error, { ip_allowlist: 'IP allowlist' }) : null}>
          {(p) => <Textarea {...p} rows={3} value={ips} disabled={!editable} onChange={(e) => setIps(e.target.value)} placeholder="10.0.0.0/8" />}
        </Field>
        {save.error && !field && <Notice>{describeError(save.error)}</Notice>}
        {editable && <div><Button type="submit" variant="primary" busy={save.isPending}>Save</Button></div>}
      </form>
    </Section>
  );
}
