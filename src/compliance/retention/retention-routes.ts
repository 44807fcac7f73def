import { z } from 'zod';
import { accessOf, authorize, changeContextOf, changeRecord, type Directory } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/index.ts';
import type { Store } from '../../state/index.ts';
import { appendAuditEvent } from '../audit/index.ts';

const IdParams = z.strictObject({ id: z.string().min(1).max(100) });
const Days = z
  .number()
  .int('a whole number of days')
  .min(1, 'at least 1 day')
  .max(36_500, 'at most 36,500 days (100 years)')
  .nullable()
  .describe('Days to keep; null: forever');
const RetentionBody = z.strictObject({ conversations_days: Days.optional(), ledger_days: Days.optional(), audit_days: Days.optional() });

const ORG_PERIODS = ['conversations_days', 'ledger_days', 'audit_days'] as const;
const TEAM_PERIODS = ['conversations_days', 'ledger_days'] as const;
type Period = (typeof ORG_PERIODS)[number];

/** The periods a PUT leaves: each field sent replaces the one before (null: forever), an omitted one stays. With `{}`, just the periods of `before`. */
function periodsAfter<K extends Period>(keys: readonly K[], before: Record<K, number | null>, body: { [P in K]?: number | null | undefined }): Record<K, number | null> {
  const out = {} as Record<K, number | null>;
  for (const k of keys) {
    const sent = body[k];
    out[k] = sent === undefined ? before[k] : sent;
  }
  return out;
}

const RetentionView = z.strictObject({
  object: z.literal('retention_policy'),
  org_id: z.string(),
  conversations_days: z.number().int().nullable(),
  ledger_days: z.number().int().nullable(),
  audit_days: z.number().int().nullable(),
  last_purge_at: z.string().nullable(),
});

const TeamRetentionBody = z.strictObject({ conversations_days: Days.optional(), ledger_days: Days.optional() });
const TeamRetentionView = z.strictObject({
  object: z.literal('team_retention_policy'),
  team_id: z.string(),
  conversations_days: z.number().int().nullable().describe("The team's own period; null: the organization's"),
  ledger_days: z.number().int().nullable(),
  effective: z.strictObject({ conversations_days: z.number().int().nullable(), ledger_days: z.number().int().nullable() }).describe('The shorter of the team\'s and the organization\'s periods: what the purge applies'),
});

export interface RetentionRouteDeps {
  store: Store;
  directory: Directory;
  now?: () => number;
}

/**
 * GET and PUT /api/orgs/:id/retention: how long the organization keeps conversations, raw ledger
 * rows and audit records (read: anyone of the org; change: owners, audited as `org.retention_updated`).
 * GET and PUT /api/teams/:id/retention: a shorter period for one team's members' conversations and
 * its ledger rows (read: who may see the team; change: owners, audited as `team.retention_updated`).
 */
export function retentionRoutes(deps: RetentionRouteDeps): AnyRoute[] {
  const now = deps.now ?? Date.now;
  const read = async (orgId: string) => {
    const row = await deps.store.db.selectFrom('retention_policies').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    return {
      object: 'retention_policy' as const,
      org_id: orgId,
      conversations_days: row?.conversations_days ?? null,
      ledger_days: row?.ledger_days ?? null,
      audit_days: row?.audit_days ?? null,
      last_purge_at: row?.last_purge_at == null ? null : new Date(Number(row.last_purge_at)).toISOString(),
    };
  };
  const org = async (actorOrg: string, id: string) => {
    if (id !== actorOrg || !(await deps.directory.getOrg(id))) throw fail('org_not_found', { id });
    return id;
  };
  const readTeam = async (teamId: string, orgId: string) => {
    const row = await deps.store.db.selectFrom('team_retention_policies').selectAll().where('team_id', '=', teamId).executeTakeFirst();
    const org = await read(orgId);
    const own = { conversations_days: row?.conversations_days ?? null, ledger_days: row?.ledger_days ?? null };
    return { object: 'team_retention_policy' as const, team_id: teamId, ...own, effective: { conversations_days: shorter(own.conversations_days, org.conversations_days), ledger_days: shorter(own.ledger_days, org.ledger_days) } };
  };
  const team = async (req: Parameters<typeof accessOf>[0], id: string, action: 'teams.read' | 'org.settings.write') => {
    const { actor } = accessOf(req);
    const t = await deps.directory.getTeam(id);
    if (!t || t.org_id !== actor.orgId) throw fail('team_not_found', { id });
    authorize(actor, action, action === 'teams.read' ? { orgId: t.org_id, teamId: t.id } : { orgId: t.org_id });
    return t;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/teams/:id/retention',
      permission: 'teams.read',
      summary: "The team's own retention periods and the effective ones (the shorter of the team's and the organization's).",
      params: IdParams,
      response: TeamRetentionView,
      handler: async ({ params, req }) => {
        const t = await team(req, params.id, 'teams.read');
        return readTeam(t.id, t.org_id);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/teams/:id/retention',
      permission: 'org.settings.write',
      summary: "Keep one team's members' conversations and its raw ledger rows for less time than the organization does (owners); null: the organization's period.",
      params: IdParams,
      body: TeamRetentionBody,
      response: TeamRetentionView,
      handler: async ({ params, body, req }) => {
        const t = await team(req, params.id, 'org.settings.write');
        const before = await readTeam(t.id, t.org_id);
        const next = periodsAfter(TEAM_PERIODS, before, body);
        const at = now();
        await deps.store.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('team_retention_policies')
            .values({ team_id: t.id, org_id: t.org_id, ...next, updated_at: at })
            .onConflict((oc) => oc.column('team_id').doUpdateSet({ ...next, updated_at: at }))
            .execute();
          await appendAuditEvent(trx, changeRecord(changeContextOf(req), { action: 'team.retention_updated', target: t.id, before: periodsAfter(TEAM_PERIODS, before, {}), after: next }, at));
        });
        return readTeam(t.id, t.org_id);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/orgs/:id/retention',
      permission: 'org.read',
      summary: "The organization's retention periods and when the purge last ran.",
      params: IdParams,
      response: RetentionView,
      handler: async ({ params, req }) => {
        const { actor } = accessOf(req);
        authorize(actor, 'org.read', { orgId: params.id });
        return read(await org(actor.orgId, params.id));
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/orgs/:id/retention',
      permission: 'org.settings.write',
      summary: 'Set how long conversations, raw ledger rows and audit records are kept (owners); omitted fields keep their value, null keeps forever.',
      params: IdParams,
      body: RetentionBody,
      response: RetentionView,
      handler: async ({ params, body, req }) => {
        const { actor } = accessOf(req);
        authorize(actor, 'org.settings.write', { orgId: params.id });
        const orgId = await org(actor.orgId, params.id);
        const before = await read(orgId);
        const next = periodsAfter(ORG_PERIODS, before, body);
        const at = now();
        await deps.store.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('retention_policies')
            .values({ org_id: orgId, ...next, updated_at: at, last_purge_at: null })
            .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...next, updated_at: at }))
            .execute();
          await appendAuditEvent(trx, changeRecord(changeContextOf(req), { action: 'org.retention_updated', target: orgId, before: periodsAfter(ORG_PERIODS, before, {}), after: next }, at));
        });
        return read(orgId);
      },
    }),
  ];
}

/** The shorter of two periods, null meaning forever. */
function shorter(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
