import type { Role } from './roles.ts';

/** A user's role in one team. */
export interface Membership {
  teamId: string;
  role: Role;
}

/**
 * Who is acting, as the access layer will resolve it from a key or a session.
 * @example const ana: Actor = { userId: 'usr_ana', orgId: 'org_1', memberships: [{ teamId: 'team_a', role: 'admin' }] };
 */
export interface Actor {
  userId: string;
  orgId: string;
  memberships: readonly Membership[];
  /** A role held across the whole organization (as if in every team), e.g. the org's owner. */
  orgRole?: Role | undefined;
}

/**
 * What an action is done to. `teamId` null or absent: not a team's (an org-wide list, a personal key);
 * `ownerUserId`: the user a personal thing belongs to.
 * @example const key: Target = { orgId: 'org_1', teamId: 'team_a', ownerUserId: 'usr_ana' };
 */
export interface Target {
  orgId: string;
  teamId?: string | null | undefined;
  ownerUserId?: string | null | undefined;
}

/** A role and where it is held: a team, or the whole organization (`teamId` null). */
export interface RoleSource {
  role: Role;
  teamId: string | null;
}

/** Every role the actor holds, with where it holds it. */
export function roleSources(actor: Actor): RoleSource[] {
  const sources: RoleSource[] = actor.memberships.map((m) => ({ role: m.role, teamId: m.teamId }));
  if (actor.orgRole !== undefined) sources.push({ role: actor.orgRole, teamId: null });
  return sources;
}
