import { useMemo, useState } from 'react';
import { useTeams } from '../../api/directory.ts';
import { useApiMutation } from '../../api/mutation.ts';
import { templateKeys } from '../../api/query-keys.ts';
import { createTemplate } from '../../api/workspace.ts';
import { TEMPLATE_CATEGORIES, type TemplateCategory, type TemplateVariable } from '../../api/workspace-types.ts';
import { useSession } from '../../app/session.tsx';
import { describeError } from '../../lib/error-text.ts';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Checkbox, Field, Input, Select, Textarea } from '../../ui/field.tsx';
import { Notice } from '../../ui/states.tsx';
import { useToast } from '../../ui/toast.tsx';
import { variablesIn } from './template-variables.ts';

/** Writes a new template: text with {{variables}}, each given a type (text, select, number). */
export function NewTemplateDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { can } = useSession();
  const teams = useTeams();
  const toast = useToast();
  const [name, setName] = useState('');
  const [category, setCategory] = useState<TemplateCategory>('business');
  const [content, setContent] = useState('');
  const [teamId, setTeamId] = useState('');
  const [vars, setVars] = useState<Record<string, { type: TemplateVariable['type']; options: string; required: boolean }>>({});
  const names = useMemo(() => variablesIn(content), [content]);
  const save = useApiMutation(
    () =>
      createTemplate({
        name: name.trim(),
        category,
        content,
        variables: names.map((n) => {
          const v = vars[n] ?? { type: 'text', options: '', required: true };
          return { name: n, type: v.type, required: v.required, ...(v.type === 'select' ? { options: v.options.split(',').map((o) => o.trim()).filter(Boolean) } : {}) };
        }),
        ...(teamId ? { scope: 'team' as const, team_id: teamId } : { scope: 'personal' as const }),
      }),
    [templateKeys.all],
  );
  const adminTeams = (teams.data?.data ?? []).filter((t) => can.isOwner || can.adminTeamIds.includes(t.id));
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="New template"
      wide
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button
            variant="primary"
            busy={save.isPending}
            disabled={!name.trim() || !content.trim()}
            onClick={() => save.mutate(undefined, { onSuccess: () => { toast('Template saved.'); onOpenChange(false); setName(''); setContent(''); } })}
          >
            Save template
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <div className="grid grid-cols-2 gap-3">
          <Field label="Name">{(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <Field label="Category">
            {(p) => (
              <Select {...p} value={category} onChange={(e) => setCategory(e.target.value as TemplateCategory)}>
                {TEMPLATE_CATEGORIES.map((c) => (
                  <option key={c} value={c}>{c}</option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Field label="Text" hint="Put blanks as {{name}}; each becomes a field to fill in.">
          {(p) => <Textarea {...p} rows={5} value={content} onChange={(e) => setContent(e.target.value)} placeholder="Summarise {{document}} for {{audience}} in {{words}} words." />}
        </Field>
        {names.length > 0 && (
          <fieldset className="flex flex-col gap-2">
            <legend className="text-sm font-medium">Blanks</legend>
            {names.map((n) => {
              const v = vars[n] ?? { type: 'text' as const, options: '', required: true };
              const set = (patch: Partial<typeof v>) => setVars({ ...vars, [n]: { ...v, ...patch } });
              return (
                <div key={n} className="flex flex-wrap items-center gap-2 text-sm">
                  <code className="w-28 truncate">{n}</code>
                  <Select aria-label={`Type of ${n}`} className="w-28" value={v.type} onChange={(e) => set({ type: e.target.value as TemplateVariable['type'] })}>
                    <option value="text">text</option>
                    <option value="select">choice</option>
                    <option value="number">number</option>
                  </Select>
                  {v.type === 'select' && <Input aria-label={`Choices for ${n}`} className="w-56" placeholder="short, medium, long" value={v.options} onChange={(e) => set({ options: e.target.value })} />}
                  <Checkbox label="required" checked={v.required} onChange={(e) => set({ required: e.target.checked })} />
                </div>
              );
            })}
          </fieldset>
        )}
        <Field label="Who can use it">
          {(p) => (
            <Select {...p} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              <option value="">Only me</option>
              {adminTeams.map((t) => (
                <option key={t.id} value={t.id}>Team {t.name}</option>
              ))}
            </Select>
          )}
        </Field>
        {save.error && <Notice>{describeError(save.error)}</Notice>}
      </div>
    </Dialog>
  );
}
