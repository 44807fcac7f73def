import { ChevronDown, ChevronRight } from 'lucide-react';
import { Fragment, useState, type FormEvent } from 'react';
import { useAudit, type AuditFilters } from '../../api/audit.ts';
import type { AuditEvent } from '../../api/types.ts';
import { describeError } from '../../lib/error-text.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Button, IconButton } from '../../ui/button.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { PageHeader } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { useNames } from './use-names.ts';

const LABELS = { action: 'Action', actor: 'Who', target: 'Target', from: 'From', to: 'To', after: 'Page' };

/** A datetime-local value as the ISO time with offset the API takes. */
function isoOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** Admin › Audit log: every change, who made it, before and after; filter by action, person, target and time. */
export function AuditPage() {
  const names = useNames();
  const [draft, setDraft] = useState({ action: '', actor: '', target: '', from: '', to: '' });
  const [filters, setFilters] = useState<AuditFilters>({});
  const [pages, setPages] = useState<string[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const query: AuditFilters = { ...filters, ...(pages.length ? { after: pages.at(-1)! } : {}) };
  const audit = useAudit(query);

  function apply(e: FormEvent) {
    e.preventDefault();
    const f: AuditFilters = {};
    if (draft.action.trim()) f.action = draft.action.trim();
    if (draft.actor.trim()) f.actor = draft.actor.trim();
    if (draft.target.trim()) f.target = draft.target.trim();
    const from = isoOf(draft.from);
    const to = isoOf(draft.to);
    if (from) f.from = from;
    if (to) f.to = to;
    setPages([]);
    setFilters(f);
  }

  return (
    <div className="max-w-6xl">
      <PageHeader title="Audit log" description="Every change made in your organization: who, what, when, from where, and the thing before and after. Secrets are never recorded." />
      <form onSubmit={apply} className="mb-4 flex flex-wrap items-end gap-2" aria-label="Filter the audit log">
        <Field label="Action" hint="e.g. key.created or budget.*" className="w-44">{(p) => <Input {...p} value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />}</Field>
        <Field label="Who" className="w-48">
          {(p) => (
            <Input {...p} list="audit-actors" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="usr_… or key_…" />
          )}
        </Field>
        <datalist id="audit-actors">{names.users.map((u) => (<option key={u.id} value={u.id}>{u.name} ({u.email})</option>))}</datalist>
        <Field label="Target" className="w-44">{(p) => <Input {...p} value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value })} placeholder="an id" />}</Field>
        <Field label="From" className="w-52">{(p) => <Input {...p} type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />}</Field>
        <Field label="To" className="w-52">{(p) => <Input {...p} type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />}</Field>
        <Button type="submit" variant="primary">Apply</Button>
        <Button onClick={() => { setDraft({ action: '', actor: '', target: '', from: '', to: '' }); setFilters({}); setPages([]); }}>Clear</Button>
      </form>
      {audit.isPending ? (
        <LoadingState />
      ) : audit.error ? (
        audit.error && (audit.error as { status?: number }).status === 400 ? <Notice>{describeError(audit.error, LABELS)}</Notice> : <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
      ) : !audit.data || audit.data.data.length === 0 ? (
        <EmptyState title="No records match" />
      ) : (
        <>
          <div className="overflow-x-auto rounded-md border border-line">
            <table className="w-full text-sm">
              <caption className="sr-only">Audit records, newest first</caption>
              <thead className="bg-subtle text-left text-xs text-fg-muted">
                <tr>
                  <th scope="col" className="w-8"><span className="sr-only">Details</span></th>
                  <th scope="col" className="px-3 py-2 font-medium">When</th>
                  <th scope="col" className="px-3 py-2 font-medium">Who</th>
                  <th scope="col" className="px-3 py-2 font-medium">Action</th>
                  <th scope="col" className="px-3 py-2 font-medium">Target</th>
                  <th scope="col" className="px-3 py-2 font-medium">From</th>
                </tr>
              </thead>
              <tbody>
                {audit.data.data.map((e) => (
                  <Fragment key={e.id}>
                    <tr className="border-t border-line" data-testid="audit-row">
                      <td className="pl-1">
                        <IconButton label={open === e.id ? 'Hide details' : 'Show details'} aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)}>
                          {open === e.id ? <ChevronDown className="size-4" aria-hidden /> : <ChevronRight className="size-4" aria-hidden />}
                        </IconButton>
                      </td>
                      <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(e.at)}</td>
                      <td className="px-3 py-2">{names.actor(e.actor)}</td>
                      <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                      <td className="px-3 py-2 font-mono text-xs break-all">{e.target ?? '—'}</td>
                      <td className="px-3 py-2 text-xs text-fg-muted">{e.ip ?? ''}</td>
                    </tr>
                    {open === e.id && (
                      <tr className="bg-subtle">
                        <td colSpan={6} className="px-3 py-2"><AuditDetail e={e} /></td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-3 flex justify-between">
            <Button disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>Newer</Button>
            <Button disabled={!audit.data.has_more || !audit.data.next_after} onClick={() => setPages([...pages, audit.data!.next_after!])}>Older</Button>
          </div>
        </>
      )}
    </div>
  );
}

function AuditDetail({ e }: { e: AuditEvent }) {
  const block = (title: string, v: unknown) => (
    <div className="min-w-0 flex-1">
      <p className="text-xs font-medium text-fg-muted">{title}</p>
      <pre tabIndex={0} aria-label={title} className="mt-1 max-h-72 overflow-auto rounded bg-bg p-2 font-mono text-xs">{v === null || v === undefined ? '—' : JSON.stringify(v, null, 2)}</pre>
    </div>
  );
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-col gap-2 md:flex-row">
        {block('Before', e.before)}
        {block('After', e.after)}
      </div>
      {e.details !== null && e.details !== undefined && block('Details', e.details)}
      <p className="text-xs text-fg-muted">Record {e.id} · request {e.request_id ?? '—'}</p>
    </div>
  );
}
