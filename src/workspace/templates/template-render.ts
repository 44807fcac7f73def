import { fail } from '../../errors/index.ts';
import { isNumber, type TemplateVariable } from './template-input.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The variable names a template's content uses, in order of first use. */
export function placeholdersOf(content: string): string[] {
  return [...new Set([...content.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Checks that the declared variables and the content's placeholders are the same set: a
 * placeholder without a declaration, or a declaration no placeholder uses, is 400 naming it.
 */
export function checkTemplateVariables(content: string, variables: readonly TemplateVariable[]): void {
  const used = placeholdersOf(content);
  const declared = new Set(variables.map((v) => v.name));
  const undeclared = used.find((name) => !declared.has(name));
  if (undeclared !== undefined) {
    throw fail('invalid_parameter', { param: 'content', reason: `the placeholder '{{${undeclared}}}' has no variable '${undeclared}' in 'variables'` });
  }
  const usedSet = new Set(used);
  const unused = variables.findIndex((v) => !usedSet.has(v.name));
  if (unused !== -1) {
    const name = variables[unused]!.name;
    throw fail('invalid_parameter', { param: `variables[${unused}].name`, reason: `the variable '${name}' does not appear in 'content' as {{${name}}}` });
  }
}

/**
 * Fills a template's `{{variables}}` with values (or their defaults), in one pass: a value that
 * itself contains `{{…}}` stays as written. Errors are 400 `invalid_parameter` naming the variable:
 * an unknown variable, a missing required one, a select value not among the options, a number that
 * is not a number.
 * @example renderTemplate('Hi {{name}}', [{ name: 'name', type: 'text', required: true }], { name: 'Ana' }) // 'Hi Ana'
 */
export function renderTemplate(content: string, variables: readonly TemplateVariable[], values: Readonly<Record<string, string | number>>): string {
  const byName = new Map(variables.map((v) => [v.name, v]));
  for (const name of Object.keys(values)) {
    if (!byName.has(name)) throw invalid(name, `the template has no variable '${name}'`);
  }
  const filled = new Map<string, string>();
  for (const v of variables) {
    const given = Object.hasOwn(values, v.name) ? values[v.name] : undefined;
    const value = given === undefined || given === '' ? v.default : given;
    if (value === undefined || value === '') {
      if (v.required) throw invalid(v.name, `the variable '${v.name}' is required`);
      filled.set(v.name, '');
      continue;
    }
    if (v.type === 'number' && !isNumber(value)) throw invalid(v.name, `the variable '${v.name}' must be a number`);
    const text = typeof value === 'number' ? String(value) : v.type === 'number' ? value.trim() : value;
    if (v.type === 'select' && !v.options!.includes(text)) {
      throw invalid(v.name, `the variable '${v.name}' must be one of ${v.options!.map((o) => `'${o}'`).join(', ')}`);
    }
    filled.set(v.name, text);
  }
  return content.replace(PLACEHOLDER, (whole, name: string) => filled.get(name) ?? whole);
}

function invalid(name: string, why: string) {
  return fail('invalid_parameter', { param: `variables.${name.slice(0, 100)}`, reason: why });
}
