import { z } from 'zod';
import { TEAM_ROLES } from './team-role.ts';
import type { GroupRule } from './group-mapping.ts';

const name = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`);

/** The schema of one group-to-team rule in the configuration. */
export const groupRuleSchema = z.strictObject({
  group: name('group'),
  team: name('team'),
  role: z.enum(TEAM_ROLES, { error: `role must be one of ${TEAM_ROLES.join(', ')}` }),
});

/** The schema of the whole rule list: the same group and team may not appear twice. */
export const groupRulesSchema = z.array(groupRuleSchema).superRefine((rules, ctx) => {
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const key = `${rule.group}\u0000${rule.team}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `duplicate rule for group '${rule.group}' and team '${rule.team}' (first at index ${first})`,
      });
    } else seen.set(key, index);
  });
});

/**
 * Validates group rules from configuration; throws an Error listing every problem with its path.
 * @example
 * parseGroupRules([{ group: 'eng', team: 'platform', role: 'member' }]); // ok
 * parseGroupRules([{ group: 'eng', team: 'platform', role: 'boss' }]);
 * // throws: Invalid SSO group rules: [0].role: role must be one of owner, admin, member, auditor, viewer
 */
export function parseGroupRules(input: unknown): GroupRule[] {
  const result = groupRulesSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new Error(`Invalid SSO group rules: ${problems.join('; ')}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}
