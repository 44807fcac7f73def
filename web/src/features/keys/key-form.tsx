import { useState } from 'react';
import { ENDPOINT_SCOPES, type ApiKey, type Role, type Team } from '../../api/types.ts';
import { Checkbox, Field, Input, Select, Textarea } from '../../ui/field.tsx';

/** What the key form edits; lists are entered as text (comma or line separated). */
export interface KeyFormValue {
  name: string;
  kind: 'personal' | 'service';
  team_id: string;
  role: Role;
  models: string;
  endpoints: string[] | null;
  ips: string;
  expires: string;
}

export function emptyKeyForm(teamId = ''): KeyFormValue {
  return { name: '', kind: 'personal', team_id: teamId, role: 'member', models: '', endpoints: null, ips: '', expires: '' };
}

export function keyFormFrom(k: ApiKey): KeyFormValue {
  return {
    name: k.name,
    kind: k.kind,
    team_id: k.team_id ?? '',
    role: k.role ?? 'member',
    models: (k.allowed_models ?? []).join(', '),
    endpoints: k.endpoints,
    ips: (k.ip_allowlist ?? []).join('\n'),
    expires: k.expires_at ? k.expires_at.slice(0, 10) : '',
  };
}

/** Splits "a, b\nc" into ["a","b","c"]; an empty text is null (no restriction). */
export function listOrNull(text: string): string[] | null {
  const items = text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : null;
}

/** The end of the chosen day in the person's time zone, as the API's ISO time; null for no expiry. */
export function expiryOrNull(date: string): string | null {
  if (!date) return null;
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d!, 23, 59, 59).toISOString();
}

export const KEY_LABELS = {
  name: 'Name',
  kind: 'Kind',
  team_id: 'Team',
  role: 'Role',
  allowed_models: 'Allowed models',
  endpoints: 'Endpoints',
  ip_allowlist: 'IP allowlist',
  expires_at: 'Expires',
};

interface Props {
  value: KeyFormValue;
  onChange: (v: KeyFormValue) => void;
  teams: Team[];
  /** Creating (kind, team, role editable) or editing scopes. */
  mode: 'create' | 'edit';
  allowService: boolean;
  fieldError: (param: string) => string | null;
}

/** Name, kind, team, role and the scopes of a key. */
export function KeyForm({ value: v, onChange, teams, mode, allowService, fieldError }: Props) {
  const set = (patch: Partial<KeyFormValue>) => onChange({ ...v, ...patch });
  const [restrictEndpoints, setRestrict] = useState(v.endpoints !== null);
  return (
    <div className="flex flex-col gap-3">
      <Field label="Name" hint="What the key is for, e.g. “support bot” or “my laptop”." error={fieldError('name')}>
        {(p) => <Input {...p} value={v.name} onChange={(e) => set({ name: e.target.value })} autoFocus maxLength={200} />}
      </Field>
      {mode === 'create' && allowService && (
        <Field label="Kind" error={fieldError('kind')} hint={v.kind === 'personal' ? 'Acts as you, with your roles.' : "Belongs to a team, acts with its own role; it keeps working when people leave."}>
          {(p) => (
            <Select {...p} value={v.kind} onChange={(e) => set({ kind: e.target.value as KeyFormValue['kind'] })}>
              <option value="personal">Personal key (yours)</option>
              <option value="service">Service key (a team's, for apps)</option>
            </Select>
          )}
        </Field>
      )}
      {mode === 'create' && (
        <Field label="Team" hint={v.kind === 'personal' ? 'Which of your teams its spend counts to.' : undefined} error={fieldError('team_id')}>
          {(p) => (
            <Select {...p} value={v.team_id} onChange={(e) => set({ team_id: e.target.value })}>
              {v.kind === 'personal' && <option value="">Default (your first team)</option>}
              {v.kind === 'service' && <option value="">Choose a team…</option>}
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
      )}
      {mode === 'create' && v.kind === 'service' && (
        <Field label="Role in the team" error={fieldError('role')}>
          {(p) => (
            <Select {...p} value={v.role} onChange={(e) => set({ role: e.target.value as Role })}>
              <option value="member">Member: calls models</option>
              <option value="viewer">Viewer: reads usage only</option>
              <option value="admin">Admin: manages the team</option>
            </Select>
          )}
        </Field>
      )}
      <Field label="Allowed models" hint="Model ids or prefixes ending in *, separated by commas (e.g. gpt-4o-mini, gpt-4.1*). Empty: every model." error={fieldError('allowed_models')}>
        {(p) => <Input {...p} value={v.models} onChange={(e) => set({ models: e.target.value })} placeholder="All models" />}
      </Field>
      <fieldset className="flex flex-col gap-2">
        <legend className="text-sm font-medium">Endpoints</legend>
        <Checkbox
          label="Restrict to some endpoints"
          checked={restrictEndpoints}
          onChange={(e) => {
            setRestrict(e.target.checked);
            set({ endpoints: e.target.checked ? ['chat.completions', 'responses'] : null });
          }}
        />
        {restrictEndpoints && (
          <div className="grid grid-cols-2 gap-1 pl-6">
            {ENDPOINT_SCOPES.map((s) => (
              <Checkbox
                key={s}
                label={s === 'api' ? 'admin API (/api)' : s}
                checked={v.endpoints?.includes(s) ?? false}
                onChange={(e) => set({ endpoints: e.target.checked ? [...(v.endpoints ?? []), s] : (v.endpoints ?? []).filter((x) => x !== s) })}
              />
            ))}
          </div>
        )}
        {fieldError('endpoints') && <p className="text-xs text-danger">{fieldError('endpoints')}</p>}
      </fieldset>
      <Field label="IP allowlist" hint="Addresses or CIDR blocks, one per line (10.0.0.0/8, 2001:db8::/32). Empty: from anywhere your organization allows." error={fieldError('ip_allowlist')}>
        {(p) => <Textarea {...p} rows={2} value={v.ips} onChange={(e) => set({ ips: e.target.value })} />}
      </Field>
      <Field label="Expires" hint="Empty: never. The key stops working at the end of that day." error={fieldError('expires_at')}>
        {(p) => <Input {...p} type="date" value={v.expires} onChange={(e) => set({ expires: e.target.value })} className="w-48" />}
      </Field>
    </div>
  );
}
