/**
 * The table-ownership rule of docs/development.md: a module reads and writes only its own tables;
 * for another module's data it calls that module's functions. Checked by
 * test/tooling/table-ownership.test.ts by reading the source (Kysely's builder calls and raw `sql`
 * text), since no import tool sees which table a query touches.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** Which module owns each table of the store (every table of src/state/schema*.ts has one). */
export const TABLE_OWNERS: Readonly<Record<string, string>> = {
  orgs: 'access',
  teams: 'access',
  users: 'access',
  memberships: 'access',
  sessions: 'access',
  invitations: 'access',
  one_time_tokens: 'access',
  login_throttle: 'access',
  api_keys: 'access',
  change_versions: 'state',
  gateway_instances: 'state',
  budgets: 'metering',
  budget_spend: 'metering',
  budget_alerts: 'metering',
  price_overrides: 'metering',
  usage_records: 'metering',
  usage_daily: 'metering',
  admin_alerts: 'metering',
  audit_events: 'compliance',
  guard_policies: 'guard',
  upstream_files: 'gateway',
  upstream_batches: 'gateway',
  upstream_deployments: 'upstream',
  audit_chain_head: 'compliance',
  audit_checkpoints: 'compliance',
  data_keys: 'compliance',
  retention_policies: 'compliance',
  team_retention_policies: 'compliance',
  conversations: 'workspace',
  conversation_messages: 'workspace',
  templates: 'workspace',
  conversation_shares: 'workspace',
};

/** A known crossing left for later, each with the reason it is not a one-line owner call yet. */
export interface OwnershipException {
  file: string;
  table: string;
  why: string;
}

/** Kysely calls whose first argument names a table. */
const TABLE_CALLS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'mergeInto', 'replaceInto']);

export interface TableReference {
  table: string;
  line: number;
}

/**
 * Every reference to a known table in one source text: the table argument of Kysely's builders
 * (`selectFrom('api_keys as k')`, joins, writes) and table names in raw `sql` text. A
 * `'table.column'` string alone is not counted: it also spells permission names (`budgets.read`),
 * and a query using one names its table in a builder call anyway.
 */
export function tableReferences(fileName: string, text: string, tables: ReadonlySet<string>): TableReference[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: TableReference[] = [];
  const seen = new Set<string>();
  const add = (table: string | undefined, node: ts.Node) => {
    if (table === undefined || !tables.has(table)) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    if (seen.has(`${table}:${line}`)) return;
    seen.add(`${table}:${line}`);
    out.push({ table, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && TABLE_CALLS.has(node.expression.name.text)) {
      const first = node.arguments[0];
      if (first && ts.isStringLiteralLike(first)) add(/^([a-z_]+)(?:\s+as\s+\w+)?$/.exec(first.text)?.[1], first);
    }
    if (ts.isTaggedTemplateExpression(node)) {
      const parts = ts.isNoSubstitutionTemplateLiteral(node.template) ? [node.template.text] : [node.template.head.text, ...node.template.templateSpans.map((s) => s.literal.text)];
      for (const part of parts) {
        for (const m of part.matchAll(/\b(?:from|join|update|into|table)\s+"?([a-z_]+)"?/gi)) add(m[1], node);
        for (const m of part.matchAll(/\b([a-z_]+)\.[a-z_]+\b/g)) add(m[1], node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The table names of the store's schema (`name: SomethingTable;` in src/state/schema*.ts). */
export function schemaTables(root: string): Set<string> {
  const dir = join(root, 'src/state');
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => /^schema.*\.ts$/.test(n))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/^\s+([a-z_]+): [A-Z]\w*Table;$/gm)) names.add(m[1]!);
  }
  return names;
}

/** The module a source file belongs to: the folder under src/, or `app` for the composition root beside them. */
export function moduleOf(path: string): string {
  const m = /^src\/([^/]+)\//.exec(path);
  return m ? m[1]! : 'app';
}

export interface OwnershipViolation {
  file: string;
  line: number;
  table: string;
  module: string;
  owner: string;
}

/** The references of `files` to tables their module does not own and no exception allows. */
export function ownershipViolations(files: readonly { path: string; text: string }[], tables: ReadonlySet<string>, exceptions: readonly OwnershipException[] = []): OwnershipViolation[] {
  const out: OwnershipViolation[] = [];
  for (const { path, text } of files) {
    const module = moduleOf(path);
    for (const ref of tableReferences(path, text, tables)) {
      const owner = TABLE_OWNERS[ref.table] ?? '(no owner)';
      if (owner === module) continue;
      if (exceptions.some((e) => e.file === path && e.table === ref.table)) continue;
      out.push({ file: path, line: ref.line, table: ref.table, module, owner });
    }
  }
  return out;
}

/**
 * The production sources the rule covers: src/**.ts less tests, test fixtures and migrations (the
 * migrations are the schema's history, kept by state/).
 */
export function productionSources(root: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('-test-fixture.ts')) out.push({ path: relative(root, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(root, 'src'));
  return out.filter((f) => !f.path.startsWith('src/state/migrations/'));
}
