import { z } from 'zod';
import { ACTION_TABLE, ACTIONS, type Action } from './actions.ts';
import { ROLE_TABLE, ROLES, type Role } from './roles.ts';

/**
 * How far a role's grant of an action reaches:
 * - `org`: anything in the actor's organization, wherever the role is held.
 * - `team`: things of the team the role is held in (every team, when held as the org role),
 *   plus the actor's own personal things.
 * - `own`: only things whose `ownerUserId` is the actor, in the team the role is held in or personal.
 * - `none`: denied.
 */
export const GRANTS = ['org', 'team', 'own', 'none'] as const;
export type Grant = (typeof GRANTS)[number];

/** One row of the matrix: what each role may do with one action. */
export type MatrixRow = Readonly<Record<Role, Grant>>;
export type PermissionMatrix = Readonly<Record<Action, MatrixRow>>;

/** Grants that make sense for each scope kind: org things are not held by teams, personal things only by their owner. */
const GRANTS_BY_SCOPE = {
  org: ['org', 'none'],
  team: ['org', 'team', 'own', 'none'],
  self: ['own', 'none'],
} as const satisfies Record<string, readonly Grant[]>;

const Row = z.record(z.enum(ROLES), z.enum(GRANTS));

/**
 * The schema the matrix must pass when it loads: every action × every role present (no more, no
 * less), grants that fit each action's scope, and no change granted to a read-only role.
 * @example parseMatrix({ 'keys.create': { owner: 'org', … }, … }); // throws on a missing or bad cell
 */
export const MatrixSchema = z.record(z.enum(ACTIONS), Row).superRefine((matrix, ctx) => {
  for (const action of ACTIONS) {
    const spec = ACTION_TABLE[action];
    const row = matrix[action];
    if (!row) continue;
    for (const role of ROLES) {
      const grant = row[role];
      if (grant === undefined) continue;
      const fits: readonly Grant[] = GRANTS_BY_SCOPE[spec.scope];
      if (!fits.includes(grant)) {
        ctx.addIssue({ code: 'custom', path: [action, role], message: `grant '${grant}' does not fit the '${spec.scope}' scope of this action` });
      }
      if (spec.mutates && ROLE_TABLE[role].readOnly && grant !== 'none') {
        ctx.addIssue({ code: 'custom', path: [action, role], message: `read-only role '${role}' cannot be granted '${action}'` });
      }
    }
  }
});

/** Validates a matrix table; throws an Error listing every bad cell. */
export function parseMatrix(table: unknown): PermissionMatrix {
  const parsed = MatrixSchema.safeParse(table);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid permission matrix:\n${lines.join('\n')}`);
  }
  return parsed.data as PermissionMatrix;
}
