import type { TemplateVariable } from '../../api/workspace-types.ts';

/** The {{variables}} a template's text uses, in order of first use. */
export function variablesIn(content: string): string[] {
  const seen: string[] = [];
  for (const m of content.matchAll(/\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/** Starting values of a template's variables (their defaults). */
export function initialValues(vars: TemplateVariable[]): Record<string, string> {
  return Object.fromEntries(vars.map((v) => [v.name, v.default === undefined ? (v.type === 'select' ? (v.options?.[0] ?? '') : '') : String(v.default)]));
}

/** What is missing before a template can be used: the required variables left empty. */
export function missingRequired(vars: TemplateVariable[], values: Record<string, string>): string[] {
  return vars.filter((v) => v.required && !(values[v.name] ?? '').trim()).map((v) => v.name);
}

/** Values as the render route takes them: numbers as numbers. */
export function typedValues(vars: TemplateVariable[], values: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const v of vars) {
    const raw = values[v.name] ?? '';
    if (raw === '' && !v.required) continue;
    out[v.name] = v.type === 'number' && raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}
