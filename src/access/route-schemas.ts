import { z } from 'zod';

/** An id in a path (`/api/keys/:id`): opaque, at most 200 characters (an unknown one is a 404 of its route). */
export const PathId = z.string().min(1).max(200, { error: 'must be at most 200 characters' });

/** The params of a route with one id: `/api/teams/:id`. */
export const IdParams = z.strictObject({ id: PathId });

/**
 * A list answer, `{ object: 'list', data: [...] }`, of one view.
 * @example response: listOf(TeamViewSchema)
 */
export function listOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ object: z.literal('list'), data: z.array(item) });
}
