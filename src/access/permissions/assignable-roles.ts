import { z } from 'zod';
import { PERMISSION_MATRIX } from './matrix.ts';
import { rankedAtMost, ROLES, type Role } from './roles.ts';

/**
 * Which roles each role may hand out or take away. Owners and auditors reach the whole organization,
 * so only owners grant them; admins manage admins, members and viewers; the rest change no roles.
 * Validated when this module loads: nobody grants a role ranked above their own, and only roles
 * allowed `members.write` grant anything.
 * @example ASSIGNABLE_ROLES.admin.includes('owner'); // false
 */
export const ASSIGNABLE_ROLES: Readonly<Record<Role, readonly Role[]>> = parseAssignable({
  owner: ['owner', 'admin', 'member', 'auditor', 'viewer'],
  admin: ['admin', 'member', 'viewer'],
  member: [],
  auditor: [],
  viewer: [],
});

function parseAssignable(table: unknown): Readonly<Record<Role, readonly Role[]>> {
  const schema = z.record(z.enum(ROLES), z.array(z.enum(ROLES))).superRefine((t, ctx) => {
    for (const role of ROLES) {
      const grants = t[role] ?? [];
      for (const granted of grants) {
        if (!rankedAtMost(granted, role)) ctx.addIssue({ code: 'custom', path: [role], message: `'${role}' cannot grant higher role '${granted}'` });
      }
      if (grants.length > 0 && PERMISSION_MATRIX['members.write'][role] === 'none') {
        ctx.addIssue({ code: 'custom', path: [role], message: `'${role}' may not write members, so it grants no role` });
      }
    }
  });
  const parsed = schema.safeParse(table);
  if (!parsed.success) {
    throw new Error(`invalid assignable roles:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data as Record<Role, readonly Role[]>;
}
