import type { Migration } from 'kysely';
import * as init from './0001-init.ts';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '0001-init': init,
};
