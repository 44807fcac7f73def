import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { SessionTable } from '../../state/index.ts';

const time = z.iso.datetime();

/** A session as its user sees it: never the token or the CSRF token. */
export const SessionViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('session'),
  method: z.string().describe('How it was started: `password`, `password+totp`, `password+recovery`, `sso`, `invitation`'),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  created_at: time,
  last_seen_at: time,
  expires_at: time,
  current: z.boolean().describe('Whether this is the session the request came with'),
});
export type SessionView = z.output<typeof SessionViewSchema>;

/** The view of a session; `current` when it is the caller's own. */
export function sessionView(s: Selectable<SessionTable>, currentId?: string): SessionView {
  return {
    id: s.id,
    object: 'session',
    method: s.method,
    ip: s.ip,
    user_agent: s.user_agent,
    created_at: new Date(s.created_at).toISOString(),
    last_seen_at: new Date(s.last_seen_at).toISOString(),
    expires_at: new Date(s.expires_at).toISOString(),
    current: s.id === currentId,
  };
}
