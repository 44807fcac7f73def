import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { Action } from './actions.ts';
import { roleSources, type Actor } from './actor.ts';
import { PERMISSION_MATRIX } from './matrix.ts';

/**
 * Which rows of a list an actor may see for an action, as plain data: the list-shaped twin of
 * `authorize` (same grants, same reach; see grant-reach.ts).
 * - `all`: everything in the organization;
 * - `teams`: everything of these teams;
 * - `ownTeams`: the actor's own things in these teams; `ownAnywhere`: the actor's own things anywhere;
 * - `ownPersonal`: the actor's own things that belong to no team.
 */
export interface Visibility {
  orgId: string;
  userId: string;
  all: boolean;
  teams: string[];
  ownTeams: string[];
  ownAnywhere: boolean;
  ownPersonal: boolean;
}

/** @example visibility(actor, 'keys.read').all // true for an owner or auditor */
export function visibility(actor: Actor, action: Action): Visibility {
  const v: Visibility = { orgId: actor.orgId, userId: actor.userId, all: false, teams: [], ownTeams: [], ownAnywhere: false, ownPersonal: false };
  const row = PERMISSION_MATRIX[action];
  for (const s of roleSources(actor)) {
    const grant = row[s.role];
    if (grant === 'org' || (grant === 'team' && s.teamId === null)) v.all = true;
    else if (grant === 'team') {
      v.teams.push(s.teamId!);
      v.ownPersonal = true;
    } else if (grant === 'own') {
      if (s.teamId === null) v.ownAnywhere = true;
      else v.ownTeams.push(s.teamId);
      v.ownPersonal = true;
    }
  }
  return v;
}

/** Whether the visibility lets anything through at all (else the route answers 403). */
export function seesAnything(v: Visibility): boolean {
  return v.all || v.teams.length > 0 || v.ownTeams.length > 0 || v.ownAnywhere || v.ownPersonal;
}

/** The columns of a table that place a row: its organization, team and owning user. */
export interface PlacementColumns {
  org: string;
  team: string;
  owner: string;
}

/**
 * A WHERE condition for a Kysely query that keeps only the rows the visibility allows.
 * @example db.selectFrom('api_keys').selectAll().where((eb) => visibleWhere(eb, visibility(actor, 'keys.read'), { org: 'org_id', team: 'team_id', owner: 'user_id' }))
 */
export function visibleWhere<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, v: Visibility, cols: PlacementColumns): Expression<SqlBool> {
  const org = sql.ref(cols.org);
  const team = sql.ref(cols.team);
  const owner = sql.ref(cols.owner);
  const inOrg = sql<SqlBool>`${org} = ${v.orgId}`;
  if (v.all) return inOrg;
  const any: Expression<SqlBool>[] = [];
  if (v.teams.length > 0) any.push(sql<SqlBool>`${team} in (${sql.join(v.teams)})`);
  const mine = sql<SqlBool>`${owner} = ${v.userId}`;
  if (v.ownAnywhere) any.push(mine);
  else {
    if (v.ownTeams.length > 0) any.push(sql<SqlBool>`(${mine} and ${team} in (${sql.join(v.ownTeams)}))`);
    if (v.ownPersonal) any.push(sql<SqlBool>`(${mine} and ${team} is null)`);
  }
  if (any.length === 0) return sql<SqlBool>`1 = 0`;
  return eb.and([inOrg, eb.or(any)]);
}
