import { useState } from 'react';
import { saveOrgRetention, useOrgRetention, type OrgRetention, type RetentionInput } from '../../api/privacy.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { retentionKeys } from '../../api/query-keys.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Button } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { PageHeader, Section } from '../../ui/page.tsx';
import { ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { daysInput, daysText, parseDays } from './retention-days.ts';
import { TeamRetention } from './team-retention.tsx';

const KINDS = [
  { param: 'conversations_days', label: 'Conversations', hint: 'Deleted, with their messages, after this many days without activity.' },
  { param: 'ledger_days', label: 'Usage ledger rows', hint: 'Raw rows of each request; daily totals stay, so long-range reports keep their sums.' },
  { param: 'audit_days', label: 'Audit records', hint: 'Cut from the start of the chain, up to a signed checkpoint, so it still verifies.' },
] as const;
type Kind = (typeof KINDS)[number]['param'];
const LABELS = Object.fromEntries(KINDS.map((k) => [k.param, k.label]));

/** Admin › Retention (owners change it, auditors read it): how long the organization keeps conversations, usage rows and audit records, and each team's shorter periods. */
export function RetentionPage() {
  const { me, can } = useSession();
  const policy = useOrgRetention(me.org.id);
  return (
    <div className="flex max-w-5xl flex-col gap-4">
      <PageHeader
        title="Retention"
        description="How long Tollgate keeps your organization's data. An hourly purge deletes what is older and records in the audit log that it did. Empty means kept forever."
      />
      {policy.isPending ? (
        <LoadingState />
      ) : policy.error ? (
        <ErrorState error={policy.error} onRetry={() => void policy.refetch()} />
      ) : (
        <OrgRetentionForm key={policy.data.org_id} policy={policy.data} editable={can.isOwner} />
      )}
      <TeamRetention editable={can.isOwner} org={policy.data ?? null} />
    </div>
  );
}

function OrgRetentionForm({ policy, editable }: { policy: OrgRetention; editable: boolean }) {
  const toast = useToast();
  const [text, setText] = useState<Record<Kind, string>>({
    conversations_days: daysInput(policy.conversations_days),
    ledger_days: daysInput(policy.ledger_days),
    audit_days: daysInput(policy.audit_days),
  });
  const [local, setLocal] = useState<Kind | null>(null);
  const save = useApiMutation((body: RetentionInput) => saveOrgRetention(policy.org_id, body), [retentionKeys.all]);
  const field = errorField(save.error);
  const submit = () => {
    const body: RetentionInput = {};
    for (const k of KINDS) {
      const v = parseDays(text[k.param]);
      if (v === 'not_a_number') return setLocal(k.param);
      body[k.param] = v;
    }
    setLocal(null);
    save.mutate(body, { onSuccess: () => toast('Retention periods saved.') });
  };
  return (
    <Section
      title="Organization"
      description={policy.last_purge_at ? `The purge last ran ${formatDateTime(policy.last_purge_at)}.` : 'The purge has not run for these periods yet (it runs hourly).'}
    >
      <form className="flex max-w-lg flex-col gap-3" onSubmit={(e) => { e.preventDefault(); submit(); }} noValidate>
        {KINDS.map((k) => (
          <Field
            key={k.param}
            label={k.label}
            hint={`${k.hint} Now: ${daysText(policy[k.param])}.`}
            error={local === k.param ? `${k.label}: enter a whole number of days, or leave it empty to keep forever.` : field === k.param ? describeError(save.error, LABELS) : null}
          >
            {(p) => (
              <div className="flex items-center gap-2">
                <div className="w-32"><Input {...p} inputMode="numeric" placeholder="kept forever" value={text[k.param]} disabled={!editable} onChange={(e) => setText({ ...text, [k.param]: e.target.value })} /></div>
                <span className="text-sm text-fg-muted">days</span>
              </div>
            )}
          </Field>
        ))}
        {save.error && !KINDS.some((k) => k.param === field) && <Notice>{describeError(save.error, LABELS)}</Notice>}
        {editable ? <div><Button type="submit" variant="primary" busy={save.isPending}>Save</Button></div> : <Notice tone="info">Only owners change retention.</Notice>}
      </form>
    </Section>
  );
}
