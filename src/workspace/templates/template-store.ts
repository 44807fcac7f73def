import type { Selectable } from 'kysely';
import { z } from 'zod';
import { changeRecord, type ChangeContext } from '../../access/index.ts';
import type { Visibility } from '../../access/index.ts';
import type { Store } from '../../state/index.ts';
import type { TemplateTable } from '../../state/index.ts';
import { appendAuditEvent } from '../../compliance/audit/index.ts';
import { PLAINTEXT, isSealed, type FieldCipher } from '../../compliance/index.ts';
import { newWorkspaceId } from '../conversation-store.ts';
import { TEMPLATE_CATEGORIES, TemplateVariable } from './template-input.ts';

export type TemplateRow = Selectable<TemplateTable>;

/** What a template is made of (owner and team are fixed when it is created). */
export interface TemplateFields {
  name: string;
  category: TemplateRow['category'];
  content: string;
  variables: TemplateVariable[];
}

/** What a sealed template text is bound to (its row and column). */
export const templateAad = (templateId: string) => `templates/${templateId}/content`;

/**
 * The key a template's text is sealed under: a personal template's under its owner's key (erased with
 * them), a team template's under the organization's (it outlives its author).
 */
export const templateKeyScope = (t: Pick<TemplateRow, 'team_id' | 'user_id'>) => (t.team_id === null ? { userId: t.user_id } : undefined);

/**
 * Templates in the store, their text sealed at rest when encryption is on (a template is a prompt);
 * a team template's changes are recorded in the audit log, a personal one's are private.
 */
export class TemplateStore {
  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher = PLAINTEXT,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<TemplateRow | undefined> {
    const row = await this.store.db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.opened(row);
  }

  private async opened(row: TemplateRow): Promise<TemplateRow> {
    return isSealed(row.content) ? { ...row, content: await this.cipher.open(row.org_id, row.content, templateAad(row.id)) } : row;
  }

  private seal(row: TemplateRow): Promise<string> {
    return this.cipher.seal(row.org_id, row.content, templateAad(row.id), templateKeyScope(row));
  }

  /** The caller's personal templates and the team templates the visibility lets through, by name. */
  async list(owner: { userId: string; orgId: string }, v: Visibility, category: string | undefined): Promise<TemplateRow[]> {
    let q = this.store.db
      .selectFrom('templates')
      .selectAll()
      .where('org_id', '=', owner.orgId)
      .where((eb) => {
        const any = [eb.and([eb('team_id', 'is', null), eb('user_id', '=', owner.userId)])];
        if (v.all) any.push(eb('team_id', 'is not', null));
        else if (v.teams.length > 0) any.push(eb('team_id', 'in', v.teams));
        return eb.or(any);
      });
    if (category !== undefined) q = q.where('category', '=', category as TemplateRow['category']);
    return Promise.all((await q.orderBy('name').orderBy('id').limit(1_000).execute()).map((r) => this.opened(r)));
  }

  async create(owner: { userId: string; orgId: string }, teamId: string | null, fields: TemplateFields, ctx: ChangeContext): Promise<TemplateRow> {
    const at = this.now();
    const row: TemplateRow = {
      id: newWorkspaceId('tpl'),
      org_id: owner.orgId,
      user_id: owner.userId,
      team_id: teamId,
      ...fields,
      variables: JSON.stringify(fields.variables),
      created_at: at,
      updated_at: at,
    };
    const content = await this.seal(row); // before the transaction: the data key may be created on first use
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('templates').values({ ...row, content }).execute();
      if (teamId !== null) await appendAuditEvent(trx, changeRecord(ctx, { action: 'template.created', target: row.id, before: null, after: summary(row) }, at));
    });
    return row;
  }

  async update(old: TemplateRow, fields: TemplateFields, ctx: ChangeContext): Promise<TemplateRow> {
    const at = this.now();
    const row: TemplateRow = { ...old, ...fields, variables: JSON.stringify(fields.variables), updated_at: at };
    const content = await this.seal(row);
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('templates')
        .set({ name: row.name, category: row.category, content, variables: row.variables, updated_at: at })
        .where('id', '=', old.id)
        .execute();
      if (old.team_id !== null) await appendAuditEvent(trx, changeRecord(ctx, { action: 'template.updated', target: old.id, before: summary(old), after: summary(row) }, at));
    });
    return row;
  }

  async delete(old: TemplateRow, ctx: ChangeContext): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('templates').where('id', '=', old.id).execute();
      if (old.team_id !== null) await appendAuditEvent(trx, changeRecord(ctx, { action: 'template.deleted', target: old.id, before: summary(old), after: null }, this.now()));
    });
  }
}

/** What the audit log keeps of a team template: who and what, not its whole text. */
function summary(t: TemplateRow) {
  return { id: t.id, name: t.name, category: t.category, team_id: t.team_id };
}

/** A template as the API shows it. */
export const TemplateView = z.object({
  id: z.string(),
  object: z.literal('template'),
  name: z.string(),
  category: z.enum(TEMPLATE_CATEGORIES),
  content: z.string(),
  variables: z.array(TemplateVariable),
  scope: z.enum(['personal', 'team']),
  /** Null for a personal template. */
  team_id: z.string().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type TemplateView = z.output<typeof TemplateView>;

export function templateView(t: TemplateRow): TemplateView {
  return {
    id: t.id,
    object: 'template',
    name: t.name,
    category: t.category,
    content: t.content,
    variables: JSON.parse(t.variables) as TemplateVariable[],
    scope: t.team_id === null ? 'personal' : 'team',
    team_id: t.team_id,
    created_at: new Date(Number(t.created_at)).toISOString(),
    updated_at: new Date(Number(t.updated_at)).toISOString(),
  };
}
