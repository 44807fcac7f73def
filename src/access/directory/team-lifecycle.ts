import type { Transaction } from 'kysely';
import { ACCESS_TOPIC, publishChange, type Database } from '../../state/index.ts';
import { mergeRateLimits, type RateLimitSettingsInput } from '../rate-limit-settings.ts';
import type { ChangeContext } from '../change-record.ts';
import { teamView, type Directory, type TeamRow } from './directory.ts';
import { invitationView } from './invitations.ts';

/** What blocks deleting a team. */
export interface TeamContents {
  members: number;
  keys: number;
  budgets: number;
}

/** Renames a team; undefined if there is no such team. A taken name fails with the store's unique violation. */
export async function renameTeam(directory: Directory, id: string, name: string, ctx: ChangeContext): Promise<TeamRow | undefined> {
  const at = directory.now();
  return directory.db.transaction().execute(async (t) => {
    const before = await t.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) return undefined;
    const after: TeamRow = { ...before, name, updated_at: at };
    await t.updateTable('teams').set({ name, updated_at: at }).where('id', '=', id).execute();
    await directory.record(t, ctx, 'team.renamed', id, teamView(before), teamView(after), at, before.org_id);
    return after;
  });
}

/** Sets a team's rate limits (merged onto the current ones; null clears them); every instance reloads them. */
export async function setTeamRateLimits(directory: Directory, id: string, input: RateLimitSettingsInput, ctx: ChangeContext): Promise<TeamRow | undefined> {
  const at = directory.now();
  return directory.db.transaction().execute(async (t) => {
    const before = await t.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) return undefined;
    const after: TeamRow = { ...before, rate_limits: mergeRateLimits(before.rate_limits, input), updated_at: at };
    await t.updateTable('teams').set({ rate_limits: after.rate_limits, updated_at: at }).where('id', '=', id).execute();
    await directory.record(t, ctx, 'team.rate_limits_changed', id, teamView(before), teamView(after), at, before.org_id);
    await publishChange(t, directory.store.dialect, ACCESS_TOPIC);
    return after;
  });
}

/** What still belongs to a team: members, keys that are not revoked, budgets. */
export async function teamContents(directory: Directory, teamId: string, trx?: Transaction<Database>): Promise<TeamContents> {
  const db = trx ?? directory.db;
  const count = (r: { n: number | string | bigint } | undefined) => Number(r?.n ?? 0);
  const members = await db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', teamId).executeTakeFirst();
  const keys = await db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', teamId).where('revoked_at', 'is', null).executeTakeFirst();
  const budgets = await db
    .selectFrom('budgets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('team_id', '=', teamId), eb.and([eb('scope', '=', 'team'), eb('scope_id', '=', teamId)])]))
    .executeTakeFirst();
  return { members: count(members), keys: count(keys), budgets: count(budgets) };
}

/**
 * Deletes an empty team (no members, no live keys, no budgets) and revokes its pending
 * invitations. Returns what blocks the deletion instead when it is not empty; undefined if unknown.
 */
export async function deleteTeam(directory: Directory, id: string, ctx: ChangeContext): Promise<{ deleted: TeamRow } | { blockedBy: TeamContents } | undefined> {
  const at = directory.now();
  return directory.db.transaction().execute(async (t) => {
    const team = await t.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    if (!team) return undefined;
    const contents = await teamContents(directory, id, t);
    if (contents.members + contents.keys + contents.budgets > 0) return { blockedBy: contents };
    const pending = await t.selectFrom('invitations').selectAll().where('team_id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).execute();
    for (const inv of pending) {
      await t.updateTable('invitations').set({ revoked_at: at }).where('id', '=', inv.id).execute();
      await directory.record(t, ctx, 'invitation.revoked', inv.id, invitationView(inv, at), invitationView({ ...inv, revoked_at: at }, at), at, team.org_id);
    }
    await t.deleteFrom('teams').where('id', '=', id).execute();
    await directory.record(t, ctx, 'team.deleted', id, teamView(team), null, at, team.org_id);
    return { deleted: team };
  });
}
