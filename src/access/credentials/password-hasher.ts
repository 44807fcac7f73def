import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { PASSWORD_MAX_LENGTH } from './password-policy.ts';

/** argon2id cost parameters, as they appear in the PHC string (`m=…,t=…,p=…`). */
export interface Argon2Params {
  /** Memory in KiB. */
  memoryCost: number;
  /** Passes over memory. */
  timeCost: number;
  /** Lanes. */
  parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet's first argon2id configuration: 19 MiB of memory, 2 passes,
 * 1 lane (about 20–40 ms per hash on a server core). Salt 16 random bytes, output 32 bytes.
 */
export const OWASP_ARGON2ID: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

/** `Algorithm.Argon2id`; the enum is a const enum, which verbatimModuleSyntax cannot import. */
const ARGON2ID = 2 as Algorithm;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * Hashes and verifies passwords with argon2id. Hashes are self-describing PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), so parameters can be raised later and old hashes
 * upgraded at the next sign-in with {@link PasswordHasher.needsRehash}.
 * @example
 * const hasher = new PasswordHasher();
 * const stored = await hasher.hash('correct horse battery staple');
 * if (await hasher.verify(stored, attempt) && hasher.needsRehash(stored)) stored = await hasher.hash(attempt);
 */
export class PasswordHasher {
  readonly params: Readonly<Argon2Params>;
  private dummy: Promise<string> | undefined;

  constructor(params: Readonly<Argon2Params> = OWASP_ARGON2ID) {
    this.params = params;
  }

  /** A new PHC string for `password`, with a fresh random salt. */
  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.params, outputLen: 32 });
  }

  /**
   * True when `password` matches `stored`. The final comparison is constant-time (inside argon2).
   * Pass `null` when the account does not exist: a dummy hash is still verified, so the response
   * takes as long as for a real account and does not reveal which emails are registered.
   * Malformed stored hashes and over-long passwords verify as false (fail closed).
   */
  async verify(stored: string | null, password: string): Promise<boolean> {
    const tooLong = [...password].length > PASSWORD_MAX_LENGTH;
    const target = stored !== null && PHC.test(stored) && !tooLong ? stored : await this.dummyHash();
    let ok: boolean;
    try {
      ok = await verify(target, tooLong ? '' : password);
    } catch {
      ok = false;
    }
    return ok && target === stored;
  }

  /** True when `stored` was made with another algorithm or other parameters than this hasher's. */
  needsRehash(stored: string): boolean {
    const m = PHC.exec(stored);
    if (!m) return true;
    return Number(m[1]) !== this.params.memoryCost || Number(m[2]) !== this.params.timeCost || Number(m[3]) !== this.params.parallelism;
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hash('tollgate-dummy-password-for-timing');
    return this.dummy;
  }
}
