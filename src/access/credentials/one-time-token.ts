import { randomBytes } from 'node:crypto';
import { fail } from '../../errors/index.ts';
import { constantTimeEqual, sha256Hex } from './constant-time.ts';
import type { OneTimeTokenRecord, OneTimeTokenStore, TokenPurpose } from './one-time-token-store.ts';

/** Default lifetimes: invitations a week, password resets 30 minutes. */
export const DEFAULT_TOKEN_TTL_MS: Readonly<Record<TokenPurpose, number>> = Object.freeze({
  invitation: 7 * 24 * 60 * 60 * 1000,
  password_reset: 30 * 60 * 1000,
});

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface IssueTokenInput {
  purpose: TokenPurpose;
  subject: string;
  data?: Readonly<Record<string, string>>;
  /** Lifetime; defaults to {@link DEFAULT_TOKEN_TTL_MS} for the purpose. */
  ttlMs?: number;
  /** Revoke this subject's earlier unused tokens of the same purpose (default true for password resets). */
  revokeEarlier?: boolean;
}

export interface OneTimeTokensOptions {
  now?: () => number;
}

/**
 * Single-use, expiring tokens for invitation links and password resets. The token (32 random
 * bytes, base64url) goes into the link; the store keeps only its SHA-256.
 * Redeeming fails with 400 and `param: 'token'`: `invalid_token` (unknown, malformed or of another
 * purpose), `expired_token`, or `token_already_used`.
 * @example
 * const tokens = new OneTimeTokens(new MemoryOneTimeTokenStore());
 * const { token } = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1' });
 * const record = await tokens.redeem(token, 'password_reset'); // record.subject === 'usr_1'
 */
export class OneTimeTokens {
  private readonly now: () => number;

  constructor(
    private readonly store: OneTimeTokenStore,
    options: OneTimeTokensOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Creates a token; it is returned once and cannot be recovered from the store. */
  async issue(input: IssueTokenInput): Promise<{ token: string; expiresAt: number }> {
    const now = this.now();
    if (input.revokeEarlier ?? input.purpose === 'password_reset') {
      await this.store.revokeAll(input.subject, input.purpose, now);
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + (input.ttlMs ?? DEFAULT_TOKEN_TTL_MS[input.purpose]);
    await this.store.insert({
      hash: sha256Hex(token),
      purpose: input.purpose,
      subject: input.subject,
      data: { ...(input.data ?? {}) },
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    return { token, expiresAt };
  }

  /**
   * Consumes `token` for `purpose` and returns its record. Succeeds at most once per token, also
   * under concurrent calls (the store's `markUsed` is atomic). A token presented for the wrong
   * purpose is refused and left unused.
   */
  async redeem(token: unknown, purpose: TokenPurpose): Promise<OneTimeTokenRecord> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw invalid();
    const hash = sha256Hex(token);
    const found = await this.store.find(hash);
    if (!found || !constantTimeEqual(found.hash, hash) || found.purpose !== purpose) throw invalid();
    const now = this.now();
    if (found.usedAt !== null) throw used();
    if (now >= found.expiresAt) throw fail('expired_token');
    const taken = await this.store.markUsed(hash, now);
    if (!taken) throw used();
    return { ...taken, usedAt: now };
  }
}

const invalid = () => fail('invalid_token');
const used = () => fail('token_already_used');
