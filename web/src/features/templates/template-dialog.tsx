import { useMutation, useQueryClient } from '@tanstack/react-query';
import { templateKeys } from '../../api/query-keys.ts';
import { useEffect, useState } from 'react';
import { renderTemplate, useTemplates } from '../../api/workspace.ts';
import { TEMPLATE_CATEGORIES, type Template } from '../../api/workspace-types.ts';
import { describeError } from '../../lib/error-text.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, Input, Select } from '../../ui/field.tsx';
import { EmptyState, ErrorState, LoadingState, Notice } from '../../ui/states.tsx';
import { Tabs } from '../../ui/tabs.tsx';
import { initialValues, missingRequired, typedValues } from './template-variables.ts';
import { isApiError } from '../../api/api-error.ts';

interface Props {
  open: boolean;
  initial: Template | null;
  onOpenChange: (open: boolean) => void;
  /** Receives the filled-in text. */
  onInsert: (text: string) => void;
}

/** Picks a template (by category), asks for its variables, and inserts the text the server renders. */
export function TemplateDialog({ open, initial, onOpenChange, onInsert }: Props) {
  const [chosen, setChosen] = useState<Template | null>(initial);
  const qc = useQueryClient();
  useEffect(() => setChosen(initial), [initial, open]);
  // Teammates may have added templates since the list was loaded.
  useEffect(() => {
    if (open) void qc.invalidateQueries({ queryKey: templateKeys.all });
  }, [open, qc]);
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={chosen ? chosen.name : 'Insert a template'} description={chosen ? 'Fill in the blanks; the text goes into your message.' : 'Reusable prompts, yours and your teams’.'} wide>
      {chosen ? <FillVariables template={chosen} onBack={() => setChosen(null)} onInsert={(t) => { onInsert(t); onOpenChange(false); }} /> : <TemplateList onChoose={setChosen} />}
    </Dialog>
  );
}

function TemplateList({ onChoose }: { onChoose: (t: Template) => void }) {
  const templates = useTemplates();
  if (templates.isPending) return <LoadingState label="Loading templates…" />;
  if (templates.error || !templates.data) {
    if (isApiError(templates.error) && templates.error.isMissingRoute) {
      return <EmptyState title="Templates are not available on this server yet">They arrive with the workspace service; your messages work without them.</EmptyState>;
    }
    return <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />;
  }
  const all = templates.data.data;
  return (
    <Tabs
      label="Template categories"
      items={TEMPLATE_CATEGORIES.map((c) => ({
        value: c,
        label: `${c[0]!.toUpperCase()}${c.slice(1)}`,
        content: (
          <ul className="flex flex-col gap-1">
            {all.filter((t) => t.category === c).length === 0 && <li className="p-3 text-sm text-fg-muted">No {c} templates yet.</li>}
            {all
              .filter((t) => t.category === c)
              .map((t) => (
                <li key={t.id}>
                  <button type="button" onClick={() => onChoose(t)} className="flex w-full flex-col items-start gap-0.5 rounded-md p-2 text-left hover:bg-muted">
                    <span className="flex items-center gap-2 font-medium">
                      {t.name} {t.scope === 'team' && <Badge>team</Badge>}
                    </span>
                    <span className="line-clamp-2 text-xs text-fg-muted">{t.content}</span>
                  </button>
                </li>
              ))}
          </ul>
        ),
      }))}
    />
  );
}

function FillVariables({ template, onBack, onInsert }: { template: Template; onBack: () => void; onInsert: (text: string) => void }) {
  const [values, setValues] = useState(() => initialValues(template.variables));
  const render = useMutation({ mutationFn: () => renderTemplate(template.id, typedValues(template.variables, values)), onSuccess: (r) => onInsert(r.content) });
  const missing = missingRequired(template.variables, values);
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        render.mutate();
      }}
    >
      <pre tabIndex={0} aria-label="Template text" className="max-h-32 overflow-y-auto rounded-md bg-subtle p-2 text-xs whitespace-pre-wrap">{template.content}</pre>
      {template.variables.map((v) => (
        <Field key={v.name} label={`${v.name}${v.required ? '' : ' (optional)'}`} error={render.error && isApiError(render.error) && render.error.param?.includes(v.name) ? describeError(render.error) : null}>
          {(p) =>
            v.type === 'select' ? (
              <Select {...p} value={values[v.name] ?? ''} onChange={(e) => setValues({ ...values, [v.name]: e.target.value })}>
                {(v.options ?? []).map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </Select>
            ) : (
              <Input {...p} type={v.type === 'number' ? 'number' : 'text'} value={values[v.name] ?? ''} onChange={(e) => setValues({ ...values, [v.name]: e.target.value })} />
            )
          }
        </Field>
      ))}
      {render.error && !(isApiError(render.error) && template.variables.some((v) => render.error && isApiError(render.error) && render.error.param?.includes(v.name))) && <Notice>{describeError(render.error)}</Notice>}
      <div className="flex justify-between gap-2">
        <Button onClick={onBack}>All templates</Button>
        <Button type="submit" variant="primary" busy={render.isPending} disabled={missing.length > 0} title={missing.length ? `Fill in ${missing.join(', ')}` : undefined}>
          Insert into message
        </Button>
      </div>
    </form>
  );
}
