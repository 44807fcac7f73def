import { fail } from '../errors/index.ts';

/** Where a page of a list ends: the last row's activity time and id (ties broken by id). */
export interface ListPosition {
  updatedAt: number;
  id: string;
}

/** An opaque cursor for the next page. */
export function encodeCursor(p: ListPosition): string {
  return Buffer.from(JSON.stringify([p.updatedAt, p.id])).toString('base64url');
}

/**
 * Reads a cursor made by encodeCursor; anything else is 400 `invalid_parameter` on `cursor`.
 * @example decodeCursor(encodeCursor({ updatedAt: 1, id: 'conv_a' })) // { updatedAt: 1, id: 'conv_a' }
 */
export function decodeCursor(text: string): ListPosition {
  const bad = () => fail('invalid_parameter', { param: 'cursor', reason: 'use the next_cursor of the previous page' });
  if (!/^[A-Za-z0-9_-]{1,500}$/.test(text)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value) || value.length !== 2) throw bad();
  const [updatedAt, id] = value as unknown[];
  if (typeof updatedAt !== 'number' || !Number.isSafeInteger(updatedAt) || updatedAt < 0) throw bad();
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) throw bad();
  return { updatedAt, id };
}
