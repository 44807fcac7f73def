import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Remembers the counters of `change_versions` and tells which topics moved since the last read:
 * the SQLite adapter's poll, and the PostgreSQL adapter's catch-up after a reconnect.
 */
export class VersionWatcher {
  private known = new Map<string, number>();

  constructor(private readonly db: Kysely<Database>) {}

  /** Reads the counters; returns the topics whose counter differs from the last read. */
  async changed(): Promise<string[]> {
    const rows = await this.db.selectFrom('change_versions').select(['topic', 'version']).execute();
    const moved: string[] = [];
    const next = new Map<string, number>();
    for (const r of rows) {
      const version = Number(r.version);
      next.set(r.topic, version);
      if (this.known.get(r.topic) !== version) moved.push(r.topic);
    }
    this.known = next;
    return moved;
  }
}

/** Calls each listener, so one that throws does not stop the others. */
export function notifyAll(listeners: Iterable<(topic: string) => void>, topic: string, onError: (err: unknown) => void): void {
  for (const listener of listeners) {
    try {
      listener(topic);
    } catch (err) {
      onError(err);
    }
  }
}
