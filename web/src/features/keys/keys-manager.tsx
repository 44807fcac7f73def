import { MoreHorizontal, Plus } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useTeams, useUsers } from '../../api/directory.ts';
import { createKey, revokeKey, rotateKey, updateKey, useKeys } from '../../api/keys.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { keyKeys } from '../../api/query-keys.ts';
import type { ApiKey, ApiKeyWithSecret } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { formatDate, formatRelative } from '../../lib/format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button, IconButton } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Checkbox, Field, Select } from '../../ui/field.tsx';
import { Menu, MenuItem } from '../../ui/menu.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';
import { emptyKeyForm, expiryOrNull, KEY_LABELS, KeyForm, keyFormFrom, listOrNull, type KeyFormValue } from './key-form.tsx';
import { KeySecretDialog } from './key-secret-dialog.tsx';

interface Props {
  filters: { team_id?: string; user_id?: string };
  /** The person's own keys page: creates personal keys only. */
  personalOnly?: boolean;
}

/** A list of keys with create, edit scopes, rotate and revoke. */
export function KeysManager({ filters, personalOnly = false }: Props) {
  const { can } = useSession();
  const keys = useKeys(filters);
  const teams = useTeams();
  const users = useUsers(!personalOnly && can.canReadDirectory);
  const toast = useToast();
  const [showRevoked, setShowRevoked] = useState(false);
  const [editing, setEditing] = useState<{ key: ApiKey | null; form: KeyFormValue } | null>(null);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [secret, setSecret] = useState<{ key: ApiKeyWithSecret; rotated: boolean } | null>(null);
  const teamName = useMemo(() => new Map((teams.data?.data ?? []).map((t) => [t.id, t.name])), [teams.data]);
  const userName = useMemo(() => new Map((users.data?.data ?? []).map((u) => [u.id, u.name || u.email])), [users.data]);

  const save = useApiMutation(async ({ key, form }: { key: ApiKey | null; form: KeyFormValue }) => {
    const scopes = { allowed_models: listOrNull(form.models), endpoints: form.endpoints, ip_allowlist: listOrNull(form.ips), expires_at: expiryOrNull(form.expires) };
    if (key) return { updated: await updateKey(key.id, { name: form.name.trim(), ...scopes }) };
    const body = {
      name: form.name.trim(),
      kind: form.kind,
      ...(form.team_id ? { team_id: form.team_id } : {}),
      ...(form.kind === 'service' ? { role: form.role } : {}),
      ...Object.fromEntries(Object.entries(scopes).filter(([, v]) => v !== null)),
    };
    return { created: await createKey(body) };
  }, [keyKeys.all]);
  const rotate = useApiMutation(({ id, grace }: { id: string; grace: number }) => rotateKey(id, grace), [keyKeys.all]);
  const revoke = useApiMutation((id: string) => revokeKey(id), [keyKeys.all]);

  const rows = (keys.data?.data ?? []).filter((k) => showRevoked || !k.revoked_at);
  const fieldError = (param: string) => (errorField(save.error)?.startsWith(param) ? describeError(save.error, KEY_LABELS) : null);

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Checkbox label="Show revoked keys" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
        <Button
          variant="primary"
          onClick={() => {
            save.reset();
            setEditing({ key: null, form: { ...emptyKeyForm(), ...(personalOnly ? {} : {}) } });
          }}
        >
          <Plus className="size-4" aria-hidden /> Create key
        </Button>
      </div>
      {keys.isPending ? (
        <LoadingState label="Loading keys…" />
      ) : keys.error ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No keys yet">Create a key to call models from scripts, apps and tools with any OpenAI SDK.</EmptyState>
      ) : (
        <Table<ApiKey>
          caption="Keys"
          rows={rows}
          rowKey={(k) => k.id}
          columns={[
            {
              header: 'Name',
              cell: (k) => (
                <div>
                  <div className="font-medium">{k.name}</div>
                  <div className="font-mono text-xs text-fg-muted">{k.prefix}…</div>
                </div>
              ),
            },
            {
              header: 'Belongs to',
              cell: (k) =>
                k.kind === 'service' ? (
                  <span>
                    {teamName.get(k.team_id ?? '') ?? 'a team'} <Badge>{k.role}</Badge>
                  </span>
                ) : (
                  <span>{personalOnly ? 'You' : (userName.get(k.user_id ?? '') ?? 'a person')}{k.team_id && <span className="text-fg-muted"> · {teamName.get(k.team_id) ?? ''}</span>}</span>
                ),
            },
            {
              header: 'Scopes',
              cell: (k) => (
                <div className="flex max-w-64 flex-wrap gap-1">
                  {k.allowed_models ? k.allowed_models.map((m) => <Badge key={m}>{m}</Badge>) : <span className="text-fg-muted">all models</span>}
                  {k.endpoints && <Badge tone="accent">{k.endpoints.length} endpoints</Badge>}
                  {k.ip_allowlist && <Badge tone="accent">IP allowlist</Badge>}
                </div>
              ),
            },
            { header: 'Last used', cell: (k) => (k.last_used_at ? formatRelative(k.last_used_at) : <span className="text-fg-muted">never</span>) },
            { header: 'Status', cell: (k) => <KeyStatus k={k} /> },
            {
              header: <span className="sr-only">Actions</span>,
              cell: (k) =>
                k.revoked_at ? null : (
                  <Menu trigger={<IconButton label={`Actions for ${k.name}`}><MoreHorizontal className="size-4" aria-hidden /></IconButton>}>
                    <MenuItem onSelect={() => { save.reset(); setEditing({ key: k, form: keyFormFrom(k) }); }}>Edit name and scopes</MenuItem>
                    <MenuItem onSelect={() => { rotate.reset(); setRotating(k); }}>Rotate secret</MenuItem>
                    <MenuItem danger onSelect={() => { revoke.reset(); setRevoking(k); }}>Revoke</MenuItem>
                  </Menu>
                ),
            },
          ]}
        />
      )}

      <Dialog
        open={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        title={editing?.key ? `Edit ${editing.key.name}` : 'Create a key'}
        wide
        footer={
          <>
            <Button onClick={() => setEditing(null)}>Cancel</Button>
            <Button
              variant="primary"
              busy={save.isPending}
              disabled={!editing?.form.name.trim() || (editing.form.kind === 'service' && !editing.form.team_id)}
              onClick={() =>
                editing &&
                save.mutate(editing, {
                  onSuccess: (r) => {
                    setEditing(null);
                    if ('created' in r && r.created) setSecret({ key: r.created, rotated: false });
                    else toast('The key is saved.');
                  },
                })
              }
            >
              {editing?.key ? 'Save' : 'Create key'}
            </Button>
          </>
        }
      >
        {editing && (
          <>
            <KeyForm
              value={editing.form}
              onChange={(form) => setEditing({ ...editing, form })}
              teams={teams.data?.data ?? []}
              mode={editing.key ? 'edit' : 'create'}
              allowService={!personalOnly && can.managesTeams}
              fieldError={fieldError}
            />
            {save.error && !errorField(save.error) && <Notice className="mt-3">{describeError(save.error)}</Notice>}
          </>
        )}
      </Dialog>

      <RotateDialog
        keyToRotate={rotating}
        busy={rotate.isPending}
        error={rotate.error}
        onClose={() => setRotating(null)}
        onRotate={(grace) =>
          rotating &&
          rotate.mutate({ id: rotating.id, grace }, { onSuccess: (k) => { setRotating(null); setSecret({ key: k, rotated: true }); } })
        }
      />

      <Dialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={`Revoke ${revoking?.name ?? ''}?`}
        description="Requests with this key stop working at once. This cannot be undone."
        footer={
          <>
            <Button onClick={() => setRevoking(null)}>Cancel</Button>
            <Button
              variant="danger"
              busy={revoke.isPending}
              onClick={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => { setRevoking(null); toast('The key is revoked.'); } })}
            >
              Revoke key
            </Button>
          </>
        }
      >
        {revoke.error ? <Notice>{describeError(revoke.error)}</Notice> : <p className="text-sm">Apps using it will get “invalid API key” errors.</p>}
      </Dialog>

      <KeySecretDialog created={secret?.key ?? null} rotated={secret?.rotated ?? false} onClose={() => setSecret(null)} />
    </div>
  );
}

function KeyStatus({ k }: { k: ApiKey }) {
  if (k.revoked_at) return <Badge tone="danger">revoked</Badge>;
  if (k.expires_at && new Date(k.expires_at).getTime() < Date.now()) return <Badge tone="danger">expired</Badge>;
  if (k.expires_at) return <Badge tone="warn">until {formatDate(k.expires_at)}</Badge>;
  return <Badge tone="ok">active</Badge>;
}

function RotateDialog({ keyToRotate, busy, error, onClose, onRotate }: { keyToRotate: ApiKey | null; busy: boolean; error: unknown; onClose: () => void; onRotate: (grace: number) => void }) {
  const [grace, setGrace] = useState(86_400);
  return (
    <Dialog
      open={keyToRotate !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Rotate ${keyToRotate?.name ?? ''}`}
      description="The key gets a new secret. Give apps time to switch: the old secret keeps working for the grace period."
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} onClick={() => onRotate(grace)}>
            Rotate
          </Button>
        </>
      }
    >
      <Field label="Old secret keeps working for">
        {(p) => (
          <Select {...p} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
            <option value={0}>No time: stop it now</option>
            <option value={3600}>1 hour</option>
            <option value={86_400}>1 day</option>
            <option value={7 * 86_400}>7 days</option>
            <option value={30 * 86_400}>30 days</option>
          </Select>
        )}
      </Field>
      {error !== null && error !== undefined && <Notice className="mt-3">{describeError(error)}</Notice>}
    </Dialog>
  );
}
