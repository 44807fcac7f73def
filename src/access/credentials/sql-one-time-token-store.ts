import type { Selectable } from 'kysely';
import type { Store } from '../../state/index.ts';
import type { OneTimeTokenTable } from '../../state/index.ts';
import type { OneTimeTokenRecord, OneTimeTokenStore, TokenPurpose } from './one-time-token-store.ts';

type TokenRow = Selectable<OneTimeTokenTable>;

/**
 * One-time tokens in the `one_time_tokens` table (SQLite or PostgreSQL), so a link issued by one
 * gateway instance can be redeemed on another. `markUsed` is one conditional UPDATE: of two
 * concurrent redemptions, exactly one succeeds.
 * @example const tokens = new OneTimeTokens(new SqlOneTimeTokenStore(store));
 */
export class SqlOneTimeTokenStore implements OneTimeTokenStore {
  constructor(private readonly store: Store) {}

  async insert(record: OneTimeTokenRecord): Promise<void> {
    await this.store.db
      .insertInto('one_time_tokens')
      .values({
        hash: record.hash,
        purpose: record.purpose,
        subject: record.subject,
        data: JSON.stringify(record.data),
        created_at: record.createdAt,
        expires_at: record.expiresAt,
        used_at: record.usedAt,
      })
      .execute();
  }

  async find(hash: string): Promise<OneTimeTokenRecord | undefined> {
    const row = await this.store.db.selectFrom('one_time_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toRecord(row);
  }

  async markUsed(hash: string, at: number): Promise<OneTimeTokenRecord | undefined> {
    const row = await this.store.db
      .updateTable('one_time_tokens')
      .set({ used_at: at })
      .where('hash', '=', hash)
      .where('used_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row && { ...toRecord(row), usedAt: null };
  }

  async revokeAll(subject: string, purpose: TokenPurpose, at: number): Promise<number> {
    const r = await this.store.db
      .updateTable('one_time_tokens')
      .set({ used_at: at })
      .where('subject', '=', subject)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async deleteExpired(before: number): Promise<number> {
    const r = await this.store.db.deleteFrom('one_time_tokens').where('expires_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function toRecord(row: TokenRow): OneTimeTokenRecord {
  return {
    hash: row.hash,
    purpose: row.purpose as TokenPurpose,
    subject: row.subject,
    data: JSON.parse(row.data) as Record<string, string>,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
  };
}
