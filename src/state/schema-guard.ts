/** Tables of the guard module (src/guard): guardrail policies per organization, team or key. */
export interface GuardTables {
  guard_policies: GuardPolicyTable;
}

export interface GuardPolicyTable {
  /** `gpol_…` */
  id: string;
  org_id: string;
  /** What the policy applies to: `org`, `team` or `key`; one policy per (scope, scope_id). */
  scope: 'org' | 'team' | 'key';
  scope_id: string;
  /** The team a team or key policy belongs to (permissions); null for an org policy or a key in no team. */
  team_id: string | null;
  /** The user of a personal key's policy (permissions). */
  owner_user_id: string | null;
  /** The policy JSON as validated by the guard module's schema. */
  policy: string;
  updated_at: number;
  /** Who set it: `usr_…`, `key_…`. */
  updated_by: string;
}
