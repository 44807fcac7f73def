import { fail } from '../../errors/index.ts';
import type { Store } from '../../state/index.ts';
import { constantTimeEqual, sha256Hex } from '../credentials/constant-time.ts';

/** What a sign-in started with, kept server-side until its callback. */
export interface PendingSignIn {
  orgId: string;
  nonce: string;
  codeVerifier: string;
  /** The redirect URI sent to the IdP; the code exchange must repeat it. */
  redirectUri: string;
  /** Where to send the browser afterwards: a same-origin path, or null for `/`. */
  returnTo: string | null;
  /** SHA-256 of the `tg_sso` cookie value of the browser that started the sign-in. */
  browserHash: string;
}

/** The one_time_tokens purpose of pending sign-ins. */
export const SSO_STATE_PURPOSE = 'sso_state';
/** A sign-in must come back from the IdP within this time. */
export const SSO_STATE_TTL_MS = 10 * 60_000;

/**
 * Pending SSO sign-ins in `one_time_tokens`, keyed by SHA-256 of `state`: single use, expiring,
 * and bound to the browser that started them (a state sent to another browser is refused).
 * Every refusal is 400 `sso_state_invalid`, whatever the reason, so nothing is learnt by probing.
 * @example
 * await states.save(start.state, pending);
 * const pending = await states.take(query.state, req.cookies.tg_sso);
 */
export class SsoStateStore {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores a pending sign-in; also deletes the organization's expired ones. */
  async save(state: string, pending: PendingSignIn): Promise<void> {
    const at = this.now();
    const { orgId, ...data } = pending;
    await this.store.db
      .deleteFrom('one_time_tokens')
      .where('subject', '=', orgId)
      .where('purpose', '=', SSO_STATE_PURPOSE)
      .where('expires_at', '<', at)
      .execute();
    await this.store.db
      .insertInto('one_time_tokens')
      .values({ hash: sha256Hex(state), purpose: SSO_STATE_PURPOSE, subject: orgId, data: JSON.stringify(data), created_at: at, expires_at: at + SSO_STATE_TTL_MS, used_at: null })
      .execute();
  }

  /**
   * Consumes the pending sign-in of `state` if it is known, unused, unexpired and was started by
   * the browser presenting `browserValue`; throws 400 `sso_state_invalid` otherwise.
   */
  async take(state: unknown, browserValue: string | undefined): Promise<PendingSignIn> {
    if (typeof state !== 'string' || state === '' || state.length > 512) throw invalidState();
    const hash = sha256Hex(state);
    const at = this.now();
    const row = await this.store.db.selectFrom('one_time_tokens').selectAll().where('hash', '=', hash).where('purpose', '=', SSO_STATE_PURPOSE).executeTakeFirst();
    if (!row || row.used_at !== null || row.expires_at <= at) throw invalidState();
    const pending: PendingSignIn = { orgId: row.subject, ...(JSON.parse(row.data) as Omit<PendingSignIn, 'orgId'>) };
    if (browserValue === undefined || !constantTimeEqual(sha256Hex(browserValue), pending.browserHash)) throw invalidState();
    const taken = await this.store.db
      .updateTable('one_time_tokens')
      .set({ used_at: at })
      .where('hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw invalidState();
    return pending;
  }
}

const invalidState = () => fail('sso_state_invalid');
