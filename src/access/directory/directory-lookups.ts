import { z } from 'zod';
import { humanName } from '../../http/index.ts';
import { fail } from '../../errors/index.ts';
import type { Actor } from '../permissions/actor.ts';
import { isAllowed } from '../permissions/authorize.ts';
import type { Directory, TeamRow, UserRow } from './directory.ts';

/** Ids in paths and bodies: short opaque strings. */
export const Id = z.string().min(1).max(100);
/** Names of organizations and teams: the one rule of every human-entered name. */
export const EntityName = humanName;

/**
 * A team of the actor's organization, else 404 `team_not_found`: a team of another organization
 * is reported exactly like a missing one, so ids cannot be probed across organizations.
 */
export async function loadTeam(directory: Directory, actor: Actor, id: string, param = 'id'): Promise<TeamRow> {
  const team = await directory.getTeam(id);
  if (!team || team.org_id !== actor.orgId) throw fail('team_not_found', { id }, { param });
  return team;
}

/** A user of the actor's organization, else 404 `user_not_found` (also for another organization's user). */
export async function loadUser(directory: Directory, actor: Actor, id: string, param = 'id'): Promise<UserRow> {
  const user = await directory.getUser(id);
  if (!user || user.org_id !== actor.orgId) throw fail('user_not_found', { id }, { param });
  return user;
}

/** Whether a database error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Whether the actor runs the deployment: an owner of the home organization (the first one). Only
 * they see and create other organizations.
 */
export async function isOperator(directory: Directory, actor: Actor): Promise<boolean> {
  const home = await directory.homeOrg();
  return home !== undefined && actor.orgId === home.id && isAllowed(actor, 'orgs.create', { orgId: home.id });
}
