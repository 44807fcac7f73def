import { z } from 'zod';
import { label } from '../conversation-input.ts';

export const TEMPLATE_CATEGORIES = ['business', 'technical', 'creative'] as const;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_TEMPLATE_CHARS = 50_000;
/** A rendered value may be this long (a pasted document in a text variable). */
export const MAX_VALUE_CHARS = 100_000;

/** One `{{variable}}` of a template: its type decides what a value may be. */
export const TemplateVariable = z
  .strictObject({
    name: z.string().regex(VARIABLE_NAME, 'must be letters, digits or _ (not starting with a digit), at most 64'),
    type: z.enum(['text', 'select', 'number']),
    options: z.array(label(200)).min(1).max(50).optional(),
    default: z.union([z.string().max(MAX_VALUE_CHARS), z.number().finite()]).optional(),
    required: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'select' && !v.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select variable needs options' });
    if (v.type !== 'select' && v.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a select variable has options' });
    if (v.options && new Set(v.options).size !== v.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must differ' });
    if (v.default === undefined) return;
    if (v.type === 'select' && !v.options?.includes(String(v.default))) ctx.addIssue({ code: 'custom', path: ['default'], message: 'must be one of the options' });
    if (v.type === 'number' && !isNumber(v.default)) ctx.addIssue({ code: 'custom', path: ['default'], message: 'must be a number' });
  });

export type TemplateVariable = z.output<typeof TemplateVariable>;

const Variables = z
  .array(TemplateVariable)
  .max(50)
  .superRefine((vars, ctx) => {
    const seen = new Set<string>();
    vars.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `variable '${v.name}' is declared twice` });
      seen.add(v.name);
    });
  });

const Content = z.string().max(MAX_TEMPLATE_CHARS).refine((s) => s.trim().length > 0, 'must not be empty');

export const CreateTemplateBody = z.strictObject({
  name: label(100),
  category: z.enum(TEMPLATE_CATEGORIES),
  content: Content,
  variables: Variables.default([]),
  scope: z.enum(['personal', 'team']).default('personal'),
  team_id: z.string().min(1).max(100).optional(),
});

export const UpdateTemplateBody = z.strictObject({
  name: label(100).optional(),
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
  content: Content.optional(),
  variables: Variables.optional(),
});

export const ListTemplatesQuery = z.strictObject({
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
});

export const RenderBody = z.strictObject({
  variables: z.record(z.string().max(100), z.union([z.string().max(MAX_VALUE_CHARS), z.number().finite()])).default({}),
});

export type CreateTemplateInput = z.output<typeof CreateTemplateBody>;
export type UpdateTemplateInput = z.output<typeof UpdateTemplateBody>;

/** A number given as a JSON number or as decimal text (`"12"`, `"-3.5"`). */
export function isNumber(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  return typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v);
}
