import { useQuery } from '@tanstack/react-query';
import { api, setCsrfToken, unwrap } from './http.ts';
import { meKeys, sessionKeys } from './query-keys.ts';
import type { InvitationPreview, List, Me, Session, SignInResult, SsoLookup, User } from './types.ts';

/** GET /api/me; keeps the session's CSRF token for the writes that follow. */
export async function fetchMe(): Promise<Me> {
  const me = await unwrap<Me>(api.GET('/api/me'));
  setCsrfToken(me.csrf_token);
  return me;
}

/** Who is signed in (or a 401 ApiError when nobody is). */
export function useMe() {
  return useQuery({ queryKey: meKeys.all, queryFn: fetchMe, staleTime: 60_000, retry: false });
}

export interface SignInInput {
  email: string;
  password: string;
  totp_code?: string;
  recovery_code?: string;
}

export const signIn = (body: SignInInput) => unwrap<SignInResult>(api.POST('/api/auth/sign-in', { body }));
export const signOut = () => unwrap<void>(api.POST('/api/auth/sign-out'));
export const lookupSso = (email: string) => unwrap<SsoLookup>(api.GET('/api/auth/sso/lookup', { params: { query: { email } } }));
export const requestPasswordReset = (email: string) => unwrap<void>(api.POST('/api/auth/password-reset', { body: { email } }));
export const confirmPasswordReset = (token: string, newPassword: string) =>
  unwrap<void>(api.POST('/api/auth/password-reset/confirm', { body: { token, new_password: newPassword } }));

export const previewInvitation = (token: string) =>
  unwrap<InvitationPreview>(api.GET('/api/invitations/accept', { params: { query: { token } } }));
export const acceptInvitation = (body: { token: string; name?: string; password: string; totp_code?: string }) =>
  unwrap<{ user: User; csrf_token: string }>(api.POST('/api/invitations/accept', { body }));

export const updateProfile = (name: string) => unwrap<{ user: User }>(api.PATCH('/api/me', { body: { name } }));
export const changePassword = (current: string, next: string) =>
  unwrap<{ csrf_token?: string }>(api.POST('/api/me/password', { body: { current_password: current, new_password: next } }));

export function useSessions() {
  return useQuery({ queryKey: sessionKeys.all, queryFn: () => unwrap<List<Session>>(api.GET('/api/me/sessions')) });
}
export const endSession = (id: string) => unwrap<void>(api.DELETE('/api/me/sessions/{id}', { params: { path: { id } } }));

export const startTwoFactor = () => unwrap<{ secret: string; otpauth_url: string }>(api.POST('/api/me/2fa', { body: {} }));
export const confirmTwoFactor = (code: string) =>
  unwrap<{ user: User; recovery_codes: string[] }>(api.POST('/api/me/2fa/confirm', { body: { code } }));
export const disableTwoFactor = (body: { code: string } | { password: string }) => unwrap<{ user: User }>(api.DELETE('/api/me/2fa', { body }));
export const newRecoveryCodes = (code: string) =>
  unwrap<{ recovery_codes: string[] }>(api.POST('/api/me/2fa/recovery-codes', { body: { code } }));
