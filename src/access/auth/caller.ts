import type { FastifyRequest } from 'fastify';
import { fail } from '../../errors/index.ts';
import type { ThrottleSubject } from '../credentials/login-throttle.ts';
import type { Directory, UserRow } from '../directory/directory.ts';
import { accessOf } from '../enforce.ts';

/**
 * The user acting on their own account: a session's user, or a personal key's. A service key has
 * no account: 400 `not_a_user`, saying what needed one.
 * @example const user = await callerUser(req, deps.directory, 'Changing a password');
 */
export async function callerUser(req: FastifyRequest, directory: Directory, what: string): Promise<UserRow> {
  const a = accessOf(req);
  if (a.session) return a.session.user;
  const userId = a.principal?.userId ?? null;
  const user = userId === null ? undefined : await directory.getUser(userId);
  if (!user) throw fail('not_a_user', { what });
  return user;
}

/** Whose attempts a throttle counts: the account's email and the caller's address. */
export function throttleSubject(user: Pick<UserRow, 'email'>, req: FastifyRequest): ThrottleSubject {
  return { account: user.email, ip: req.ip };
}
