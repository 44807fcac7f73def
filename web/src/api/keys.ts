import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './http.ts';
import { keyKeys } from './query-keys.ts';
import type { ApiKey, ApiKeyWithSecret, List, Role } from './types.ts';

export function useKeys(filters: { team_id?: string; user_id?: string } = {}, enabled = true) {
  return useQuery({ queryKey: keyKeys.list(filters), queryFn: () => unwrap<List<ApiKey>>(api.GET('/api/keys', { params: { query: filters } })), enabled });
}

export interface KeyScopesInput {
  allowed_models?: string[] | null;
  endpoints?: string[] | null;
  ip_allowlist?: string[] | null;
  expires_at?: string | null;
}

export interface CreateKeyInput extends KeyScopesInput {
  name: string;
  kind?: 'personal' | 'service';
  team_id?: string;
  role?: Role;
}

export const createKey = (body: CreateKeyInput) => unwrap<ApiKeyWithSecret>(api.POST('/api/keys', { body: body as never }));
export const updateKey = (id: string, body: KeyScopesInput & { name?: string }) =>
  unwrap<ApiKey>(api.PATCH('/api/keys/{id}', { params: { path: { id } }, body: body as never }));
export const rotateKey = (id: string, graceSeconds: number) =>
  unwrap<ApiKeyWithSecret>(api.POST('/api/keys/{id}/rotate', { params: { path: { id } }, body: { grace_period_seconds: graceSeconds } }));
export const revokeKey = (id: string) => unwrap<ApiKey>(api.DELETE('/api/keys/{id}', { params: { path: { id } } }));
