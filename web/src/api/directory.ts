import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './http.ts';
import { invitationKeys, orgKeys, teamKeys, userKeys } from './query-keys.ts';
import type {
  Invitation, InvitationCreated, InvitationStatus, List, Member, Org, OrgCreated, PasswordResetIssued, Role, SsoGroupRule, SsoSettings, Team, User,
} from './types.ts';

export function useOrgs() {
  return useQuery({ queryKey: orgKeys.list(), queryFn: () => unwrap<List<Org>>(api.GET('/api/orgs')) });
}
export const createOrg = (body: { name: string; owner_email: string; owner_name?: string }) => unwrap<OrgCreated>(api.POST('/api/orgs', { body }));
export const updateOrg = (id: string, body: { name?: string; require_2fa?: boolean; ip_allowlist?: string[] | null }) =>
  unwrap<Org>(api.PATCH('/api/orgs/{id}', { params: { path: { id } }, body }));

export function useSsoSettings(orgId: string | undefined) {
  return useQuery({
    queryKey: orgKeys.sso(orgId ?? ''),
    queryFn: () => unwrap<SsoSettings>(api.GET('/api/orgs/{id}/sso', { params: { path: { id: orgId! } } })),
    enabled: orgId !== undefined,
  });
}
export interface SsoSettingsInput {
  issuer: string;
  client_id: string;
  client_secret?: string | null;
  scopes?: string[];
  groups_claim?: string;
  group_rules?: SsoGroupRule[];
  default_team_id?: string | null;
  default_role?: Role | null;
  allowed_email_domains?: string[] | null;
  jit?: boolean;
}
export const saveSsoSettings = (orgId: string, body: SsoSettingsInput) =>
  unwrap<SsoSettings>(api.PUT('/api/orgs/{id}/sso', { params: { path: { id: orgId } }, body }));
export const removeSsoSettings = (orgId: string) => unwrap<unknown>(api.DELETE('/api/orgs/{id}/sso', { params: { path: { id: orgId } } }));

export function useTeams(enabled = true) {
  return useQuery({ queryKey: teamKeys.list(), queryFn: () => unwrap<List<Team>>(api.GET('/api/teams')), enabled, staleTime: 60_000 });
}
export const createTeam = (name: string) => unwrap<Team>(api.POST('/api/teams', { body: { name } }));
export const renameTeam = (id: string, name: string) => unwrap<Team>(api.PATCH('/api/teams/{id}', { params: { path: { id } }, body: { name } }));
export const deleteTeam = (id: string) => unwrap<unknown>(api.DELETE('/api/teams/{id}', { params: { path: { id } } }));

export function useMembers(teamId: string | undefined) {
  return useQuery({
    queryKey: teamKeys.members(teamId ?? ''),
    queryFn: () => unwrap<List<Member>>(api.GET('/api/teams/{id}/members', { params: { path: { id: teamId! } } })),
    enabled: teamId !== undefined,
  });
}
export const setMember = (teamId: string, userId: string, role: Role) =>
  unwrap<Member>(api.PUT('/api/teams/{id}/members/{userId}', { params: { path: { id: teamId, userId } }, body: { role } }));
export const removeMember = (teamId: string, userId: string) =>
  unwrap<unknown>(api.DELETE('/api/teams/{id}/members/{userId}', { params: { path: { id: teamId, userId } } }));

export function useUsers(enabled = true) {
  return useQuery({ queryKey: userKeys.list(), queryFn: () => unwrap<List<User>>(api.GET('/api/users')), enabled, staleTime: 30_000 });
}
export const updateUser = (id: string, body: { name?: string; org_role?: Role | null; status?: 'active' | 'disabled' }) =>
  unwrap<User>(api.PATCH('/api/users/{id}', { params: { path: { id } }, body }));
export const issuePasswordReset = (id: string) =>
  unwrap<PasswordResetIssued>(api.POST('/api/users/{id}/password-reset', { params: { path: { id } } }));

export function useInvitations(filters: { team_id?: string; status?: InvitationStatus }) {
  return useQuery({
    queryKey: invitationKeys.list(filters),
    queryFn: () => unwrap<List<Invitation>>(api.GET('/api/invitations', { params: { query: { ...filters, limit: 200 } } })),
  });
}
export const createInvitation = (body: { email: string; team_id: string; role: Role; expires_in_days?: number }) =>
  unwrap<InvitationCreated>(api.POST('/api/invitations', { body }));
export const revokeInvitation = (id: string) => unwrap<Invitation>(api.DELETE('/api/invitations/{id}', { params: { path: { id } } }));
