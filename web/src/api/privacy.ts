import { useQuery } from '@tanstack/react-query';
import { downloadBlob } from '../lib/download.ts';
import { api, unwrap, unwrapResponse } from './http.ts';
import { retentionKeys } from './query-keys.ts';
import type { operations } from './schema.gen.ts';

type Answer<O extends keyof operations> = operations[O] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

/** What POST /api/me/erasure and /api/users/:id/erasure answer: what was done, under which pseudonym. */
export type Erasure = Answer<'POST_api_me_erasure'>;
/** An organization's retention periods in days (null: kept forever) and the last purge. */
export type OrgRetention = Answer<'GET_api_orgs_id_retention'>;
/** A team's own periods (null: the organization's) and the effective ones (the shorter of the two). */
export type TeamRetention = Answer<'GET_api_teams_id_retention'>;

export type ExportFormat = 'zip' | 'json';

/** Downloads a data export (the person's own, or a member's when `userId` is given) under the server's file name. */
export async function downloadDataExport(format: ExportFormat, userId?: string): Promise<void> {
  const res = await unwrapResponse(
    userId === undefined
      ? api.GET('/api/me/data-export', { params: { query: { format } }, parseAs: 'stream' })
      : api.GET('/api/users/{id}/data-export', { params: { path: { id: userId }, query: { format } }, parseAs: 'stream' }),
  );
  const blob = await res.blob();
  const name = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `tollgate-data.${format}`;
  downloadBlob(name, blob);
}

/** Erases the signed-in person (the API wants their own id repeated as `confirm`). */
export const eraseMe = (userId: string) => unwrap<Erasure>(api.POST('/api/me/erasure', { body: { confirm: userId } }));
/** Erases a member of the organization (owners). */
export const eraseUser = (userId: string) => unwrap<Erasure>(api.POST('/api/users/{id}/erasure', { params: { path: { id: userId } }, body: { confirm: userId } }));

export function useOrgRetention(orgId: string) {
  return useQuery({ queryKey: retentionKeys.org(orgId), queryFn: () => unwrap<OrgRetention>(api.GET('/api/orgs/{id}/retention', { params: { path: { id: orgId } } })) });
}
export function useTeamRetention(teamId: string) {
  return useQuery({ queryKey: retentionKeys.team(teamId), queryFn: () => unwrap<TeamRetention>(api.GET('/api/teams/{id}/retention', { params: { path: { id: teamId } } })) });
}

/** Days per kind; null keeps forever (the team: uses the organization's). Omitted kinds keep their value. */
export interface RetentionInput {
  conversations_days?: number | null;
  ledger_days?: number | null;
  audit_days?: number | null;
}
export const saveOrgRetention = (orgId: string, body: RetentionInput) =>
  unwrap<OrgRetention>(api.PUT('/api/orgs/{id}/retention', { params: { path: { id: orgId } }, body }));
export const saveTeamRetention = (teamId: string, body: Omit<RetentionInput, 'audit_days'>) =>
  unwrap<TeamRetention>(api.PUT('/api/teams/{id}/retention', { params: { path: { id: teamId } }, body }));
