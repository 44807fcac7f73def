import type { Me, Role } from '../api/types.ts';

/**
 * What the signed-in person may see in the app, from their roles (the server's permission matrix,
 * docs/permissions.md). Only decides what to show: every action is still checked by the server,
 * and a refusal is shown in words.
 */
export interface Capabilities {
  orgRole: Role | null;
  isOwner: boolean;
  isAuditor: boolean;
  /** Admin of at least one team (or owner). */
  managesTeams: boolean;
  /** Teams where the person is admin. */
  adminTeamIds: string[];
  canReadAudit: boolean;
  canInvite: boolean;
  canManageKeys: boolean;
  canWriteBudgets: boolean;
  canReadBudgets: boolean;
  canReadDirectory: boolean;
  canEditOrg: boolean;
  canUseChat: boolean;
  /** Shows the admin area at all. */
  hasAdmin: boolean;
}

export function capabilitiesOf(me: Me): Capabilities {
  const orgRole = me.org_role;
  const isOwner = orgRole === 'owner';
  const isAuditor = orgRole === 'auditor';
  const adminTeamIds = me.memberships.filter((m) => m.role === 'admin' || m.role === 'owner').map((m) => m.team_id);
  const managesTeams = isOwner || adminTeamIds.length > 0;
  const roles = new Set<Role>([...(orgRole ? [orgRole] : []), ...me.memberships.map((m) => m.role)]);
  return {
    orgRole,
    isOwner,
    isAuditor,
    managesTeams,
    adminTeamIds,
    canReadAudit: isOwner || isAuditor || adminTeamIds.length > 0,
    canInvite: managesTeams,
    canManageKeys: managesTeams || isAuditor,
    canWriteBudgets: managesTeams,
    canReadBudgets: roles.size > 0,
    canReadDirectory: managesTeams || isAuditor,
    canEditOrg: isOwner,
    canUseChat: [...roles].some((r) => r !== 'auditor'),
    hasAdmin: managesTeams || isAuditor,
  };
}
