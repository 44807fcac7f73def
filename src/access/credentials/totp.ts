import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

export interface TotpOptions {
  /** Shown in the authenticator app, e.g. `Tollgate` or the company name. */
  issuer: string;
  /** Code length: 6 (what every app supports) or 8. */
  digits?: 6 | 8;
  /** Seconds per step (RFC 6238's X); 30 by default. */
  period?: number;
  /** Steps accepted either side of now, for clock drift; 1 by default (±30 s). */
  window?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** A secret for a new enrolment: store `secret` (encrypted at rest), show `uri` as a QR code once. */
export interface TotpEnrolment {
  /** Base32, 20 random bytes (160 bits, RFC 4226's recommendation). */
  secret: string;
  /** `otpauth://totp/Issuer:label?secret=…&issuer=…` for authenticator apps. */
  uri: string;
}

export type TotpCheck = { valid: true; step: number } | { valid: false };

/**
 * TOTP two-factor codes (RFC 6238, HMAC-SHA-1), with a ±`window` step tolerance and replay
 * protection: pass the step of the last accepted code and any code of that step or earlier is
 * refused, so a code cannot be used twice even while it is still inside the window.
 * Store-agnostic: the caller persists the returned `step`.
 * @example
 * const totp = new Totp({ issuer: 'Tollgate' });
 * const { secret, uri } = totp.enrol('ana@example.com');
 * const check = totp.verify(secret, '123456', user.totpLastStep);
 * if (check.valid) user.totpLastStep = check.step;
 */
export class Totp {
  private readonly issuer: string;
  private readonly digits: 6 | 8;
  private readonly period: number;
  private readonly window: number;
  private readonly now: () => number;

  constructor(options: TotpOptions) {
    this.issuer = options.issuer;
    this.digits = options.digits ?? 6;
    this.period = options.period ?? 30;
    this.window = options.window ?? 1;
    this.now = options.now ?? Date.now;
  }

  /** A new random secret and the URI to show as a QR code. */
  enrol(accountLabel: string): TotpEnrolment {
    const secret = generateSecret({ length: 20 });
    const uri = generateURI({ issuer: this.issuer, label: accountLabel, secret, digits: this.digits, period: this.period });
    return { secret, uri };
  }

  /** The current code for `secret` (for tests and diagnostics; never send it anywhere). */
  generate(secret: string | Uint8Array): string {
    return generateSync({ secret, digits: this.digits, period: this.period, epoch: this.epoch() });
  }

  /**
   * Checks `code` (spaces ignored). Malformed codes are simply invalid, so callers count them as
   * failed attempts like any wrong code. The comparison is constant-time (inside otplib).
   */
  verify(secret: string | Uint8Array, code: string, lastUsedStep: number | null = null): TotpCheck {
    const token = code.replace(/\s+/g, '');
    if (token.length !== this.digits || !/^\d+$/.test(token)) return { valid: false };
    const result = verifySync({
      secret,
      token,
      digits: this.digits,
      period: this.period,
      epoch: this.epoch(),
      epochTolerance: this.window * this.period,
      ...(lastUsedStep === null ? {} : { afterTimeStep: lastUsedStep }),
    });
    return result.valid && 'timeStep' in result ? { valid: true, step: result.timeStep } : { valid: false };
  }

  private epoch(): number {
    return Math.floor(this.now() / 1000);
  }
}
