import { Plus } from 'lucide-react';
import { useState } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { useTemplates } from '../../api/workspace.ts';
import { TEMPLATE_CATEGORIES, type TemplateCategory } from '../../api/workspace-types.ts';
import { IconButton } from '../../ui/button.tsx';
import { cx } from '../../ui/cx.ts';
import { NewTemplateDialog } from '../templates/new-template-dialog.tsx';
import { useWorkspace } from '../workspace/workspace-context.tsx';

/** Templates by category (business, technical, creative); choosing one fills in its blanks into the draft. */
export function TemplatesSection() {
  const { openTemplates } = useWorkspace();
  const [category, setCategory] = useState<TemplateCategory>('business');
  const [creating, setCreating] = useState(false);
  const templates = useTemplates();
  const missing = isApiError(templates.error) && templates.error.isMissingRoute;
  const shown = (templates.data?.data ?? []).filter((t) => t.category === category);
  return (
    <section aria-labelledby="templates-heading" className="border-t border-line p-2">
      <div className="flex items-center justify-between px-1">
        <h2 id="templates-heading" className="text-xs font-medium tracking-wide text-fg-muted uppercase">
          Templates
        </h2>
        {!missing && (
          <IconButton label="New template" onClick={() => setCreating(true)}>
            <Plus className="size-4" aria-hidden />
          </IconButton>
        )}
      </div>
      {missing ? (
        <p className="px-1 py-2 text-xs text-fg-muted">Templates arrive with the workspace service.</p>
      ) : (
        <>
          <div role="group" aria-label="Template category" className="my-1 flex gap-1">
            {TEMPLATE_CATEGORIES.map((c) => (
              <button
                key={c}
                type="button"
                aria-pressed={c === category}
                onClick={() => setCategory(c)}
                className={cx('rounded px-2 py-0.5 text-xs capitalize', c === category ? 'bg-accent-soft text-accent' : 'text-fg-muted hover:bg-muted')}
              >
                {c}
              </button>
            ))}
          </div>
          <ul className="max-h-40 overflow-y-auto">
            {templates.isPending && <li className="px-2 py-1 text-xs text-fg-muted">Loading…</li>}
            {templates.error !== null && !missing && <li className="px-2 py-1 text-xs text-danger">Templates could not be loaded.</li>}
            {templates.data && shown.length === 0 && <li className="px-2 py-1 text-xs text-fg-muted">No {category} templates yet.</li>}
            {shown.map((t) => (
              <li key={t.id}>
                <button type="button" className="w-full truncate rounded px-2 py-1 text-left text-sm hover:bg-muted" onClick={() => openTemplates(t)}>
                  {t.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <NewTemplateDialog open={creating} onOpenChange={setCreating} />
    </section>
  );
}
