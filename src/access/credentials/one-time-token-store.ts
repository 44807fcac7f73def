/** What a one-time token is for. A token of one purpose is never accepted for another. */
export type TokenPurpose = 'invitation' | 'password_reset';

/** A stored one-time token: only the SHA-256 of the token, never the token itself. */
export interface OneTimeTokenRecord {
  /** SHA-256 hex of the token. */
  hash: string;
  purpose: TokenPurpose;
  /** Who or what the token is about: a user id for a reset, an email for an invitation. */
  subject: string;
  /** Extra data the flow needs later (e.g. the role an invitation grants). */
  data: Readonly<Record<string, string>>;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/**
 * Where one-time tokens live. A SQL adapter maps `markUsed` to one conditional
 * `UPDATE … SET used_at = ? WHERE hash = ? AND used_at IS NULL RETURNING *`, so two concurrent
 * redemptions cannot both succeed.
 */
export interface OneTimeTokenStore {
  insert(record: OneTimeTokenRecord): Promise<void>;
  find(hash: string): Promise<OneTimeTokenRecord | undefined>;
  /** Atomically sets `usedAt` if it is still null; returns the record as it was before, or undefined if already used or unknown. */
  markUsed(hash: string, at: number): Promise<OneTimeTokenRecord | undefined>;
  /** Marks every unused token of this subject and purpose as used (e.g. older reset links when a new one is sent). */
  revokeAll(subject: string, purpose: TokenPurpose, at: number): Promise<number>;
  /** Deletes tokens that expired before `before`; returns how many. */
  deleteExpired(before: number): Promise<number>;
}

/**
 * In-process store for tests and single-instance use.
 * @example const tokens = new OneTimeTokens(new MemoryOneTimeTokenStore());
 */
export class MemoryOneTimeTokenStore implements OneTimeTokenStore {
  private readonly records = new Map<string, OneTimeTokenRecord>();

  async insert(record: OneTimeTokenRecord): Promise<void> {
    this.records.set(record.hash, { ...record });
  }

  async find(hash: string): Promise<OneTimeTokenRecord | undefined> {
    const r = this.records.get(hash);
    return r && { ...r };
  }

  async markUsed(hash: string, at: number): Promise<OneTimeTokenRecord | undefined> {
    const r = this.records.get(hash);
    if (!r || r.usedAt !== null) return undefined;
    const before = { ...r };
    r.usedAt = at;
    return before;
  }

  async revokeAll(subject: string, purpose: TokenPurpose, at: number): Promise<number> {
    let n = 0;
    for (const r of this.records.values()) {
      if (r.subject === subject && r.purpose === purpose && r.usedAt === null) {
        r.usedAt = at;
        n++;
      }
    }
    return n;
  }

  async deleteExpired(before: number): Promise<number> {
    let n = 0;
    for (const [hash, r] of this.records) {
      if (r.expiresAt < before) {
        this.records.delete(hash);
        n++;
      }
    }
    return n;
  }
}
