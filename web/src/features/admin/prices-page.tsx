import { useState } from 'react';
import { deletePriceOverride, setPriceOverride, usePrice, usePrices, type PriceOverrideInput } from '../../api/prices.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { priceKeys } from '../../api/query-keys.ts';
import type { ModelPrice } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError, errorField } from '../../lib/error-text.ts';
import { formatDate, formatInt } from '../../lib/format.ts';
import { formatUsdText } from '../../lib/money.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, Input } from '../../ui/field.tsx';
import { PageHeader } from '../../ui/page.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Table } from '../../ui/table.tsx';
import { useToast } from '../../ui/toast.tsx';

const LABELS = { input: 'Input', output: 'Output', cached_input: 'Cached input', effective_from: 'From', max_output_tokens: 'Longest reply', context_window: 'Context window', note: 'Note' };

/** Admin › Prices: what each model costs per 1M tokens (OpenAI's published prices and your negotiated overrides). */
export function PricesPage() {
  const prices = usePrices();
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const rows = (prices.data?.data ?? []).filter((p) => p.model.includes(filter.trim()));
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Prices"
        description={prices.data ? `US$ per 1M tokens, in force now. Catalog as of ${formatDate(prices.data.as_of)}; overrides set here win over it for every request that follows.` : 'US$ per 1M tokens.'}
        actions={<Input aria-label="Filter models" placeholder="Filter, e.g. gpt-4o" value={filter} onChange={(e) => setFilter(e.target.value)} className="w-56" />}
      />
      {prices.isPending ? (
        <LoadingState />
      ) : prices.error ? (
        <ErrorState error={prices.error} onRetry={() => void prices.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No model matches" action={filter.trim() ? <Button onClick={() => setOpen(filter.trim())}>Set a price for “{filter.trim()}”</Button> : undefined} />
      ) : (
        <Table<ModelPrice>
          caption="Prices"
          rows={rows}
          rowKey={(p) => p.model}
          columns={[
            { header: 'Model', cell: (p) => <button type="button" className="text-left font-medium text-accent underline" onClick={() => setOpen(p.model)}>{p.model}</button> },
            { header: 'Input', numeric: true, cell: (p) => formatUsdText(p.input) },
            { header: 'Cached input', numeric: true, cell: (p) => formatUsdText(p.cached_input) },
            { header: 'Output', numeric: true, cell: (p) => formatUsdText(p.output) },
            { header: 'Context', numeric: true, cell: (p) => formatInt(p.context_window) },
            { header: 'Source', cell: (p) => (p.source === 'override' ? <Badge tone="accent">override</Badge> : <Badge>catalog</Badge>) },
          ]}
        />
      )}
      {open && <PriceDialog model={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function PriceDialog({ model, onClose }: { model: string; onClose: () => void }) {
  const { can } = useSession();
  const toast = useToast();
  const price = usePrice(model);
  const [form, setForm] = useState({ input: '', cached_input: '', output: '', effective_from: '', context_window: '', max_output_tokens: '', note: '' });
  const put = useApiMutation(() => {
    const body: PriceOverrideInput = { input: form.input.trim(), output: form.output.trim() };
    if (form.cached_input.trim()) body.cached_input = form.cached_input.trim();
    if (form.effective_from) body.effective_from = form.effective_from;
    if (form.context_window) body.context_window = Number(form.context_window);
    if (form.max_output_tokens) body.max_output_tokens = Number(form.max_output_tokens);
    if (form.note.trim()) body.note = form.note.trim();
    return setPriceOverride(model, body);
  }, [priceKeys.all]);
  const del = useApiMutation(() => deletePriceOverride(model), [priceKeys.all]);
  const field = errorField(put.error);
  const err = (p: string) => (field === p ? describeError(put.error, LABELS) : null);
  const p = price.data;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={model} wide footer={<Button onClick={onClose}>Close</Button>}>
      <div className="flex flex-col gap-4">
        {price.isPending ? (
          <LoadingState />
        ) : p ? (
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
            <dt className="text-fg-muted">Priced as</dt><dd>{p.priced_as}</dd>
            <dt className="text-fg-muted">Since</dt><dd>{formatDate(p.effective_from)}</dd>
            <dt className="text-fg-muted">Input</dt><dd>{formatUsdText(p.input)}</dd>
            <dt className="text-fg-muted">Output</dt><dd>{formatUsdText(p.output)}</dd>
            <dt className="text-fg-muted">Cached input</dt><dd>{formatUsdText(p.cached_input)}</dd>
            <dt className="text-fg-muted">Batch</dt><dd>{p.batch ? `${formatUsdText(p.batch.input)} / ${formatUsdText(p.batch.output)}` : '—'}</dd>
            <dt className="text-fg-muted">Context window</dt><dd>{formatInt(p.context_window)}</dd>
            <dt className="text-fg-muted">Longest reply</dt><dd>{formatInt(p.max_output_tokens)}</dd>
            {p.note && <><dt className="text-fg-muted">Note</dt><dd className="col-span-3">{p.note}</dd></>}
          </dl>
        ) : (
          <Notice tone="info">No price for this model yet: its requests are served but their cost is unknown, and budgets cannot reserve for them.</Notice>
        )}
        {(p?.overrides?.length ?? 0) > 0 && (
          <div className="text-sm">
            <p className="font-medium">Overrides on exactly this id</p>
            <ul className="mt-1 list-disc pl-5">
              {p!.overrides!.map((o) => (<li key={o.effective_from}>from {formatDate(o.effective_from)}: {formatUsdText(o.input)} in, {formatUsdText(o.output)} out{o.note ? ` (${o.note})` : ''}</li>))}
            </ul>
            {can.isOwner && <Button size="sm" variant="danger" className="mt-2" busy={del.isPending} onClick={() => del.mutate(undefined, { onSuccess: () => toast('Overrides removed: the catalog price applies.'), onError: (e) => toast(describeError(e), 'danger') })}>Remove overrides</Button>}
          </div>
        )}
        {can.isOwner && (
          <form className="flex flex-col gap-3 border-t border-line pt-3" onSubmit={(e) => { e.preventDefault(); put.mutate(undefined, { onSuccess: () => toast(`New price for ${model} saved.`) }); }}>
            <p className="text-sm font-medium">Set a price (US$ per 1M tokens)</p>
            <div className="grid grid-cols-3 gap-3">
              <Field label="Input" error={err('input')}>{(q) => <Input {...q} inputMode="decimal" value={form.input} onChange={(e) => setForm({ ...form, input: e.target.value })} placeholder={p?.input ?? '2.50'} />}</Field>
              <Field label="Cached input" error={err('cached_input')}>{(q) => <Input {...q} inputMode="decimal" value={form.cached_input} onChange={(e) => setForm({ ...form, cached_input: e.target.value })} placeholder="optional" />}</Field>
              <Field label="Output" error={err('output')}>{(q) => <Input {...q} inputMode="decimal" value={form.output} onChange={(e) => setForm({ ...form, output: e.target.value })} placeholder={p?.output ?? '10.00'} />}</Field>
              <Field label="From" hint="Empty: now." error={err('effective_from')}>{(q) => <Input {...q} type="date" value={form.effective_from} onChange={(e) => setForm({ ...form, effective_from: e.target.value })} />}</Field>
              <Field label="Context window" hint={p ? undefined : 'Required for a new model.'} error={err('context_window')}>{(q) => <Input {...q} inputMode="numeric" value={form.context_window} onChange={(e) => setForm({ ...form, context_window: e.target.value })} />}</Field>
              <Field label="Longest reply" hint={p ? undefined : 'Required for a new model.'} error={err('max_output_tokens')}>{(q) => <Input {...q} inputMode="numeric" value={form.max_output_tokens} onChange={(e) => setForm({ ...form, max_output_tokens: e.target.value })} />}</Field>
            </div>
            <Field label="Note" error={err('note')}>{(q) => <Input {...q} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} placeholder="e.g. contract 2026-17" />}</Field>
            {put.error && !field && <Notice>{describeError(put.error)}</Notice>}
            <div><Button type="submit" variant="primary" busy={put.isPending} disabled={!form.input.trim() || !form.output.trim()}>Save price</Button></div>
          </form>
        )}
      </div>
    </Dialog>
  );
}
