/** When sign-in attempts for one account or one IP are slowed, then locked. */
export interface ThrottlePolicy {
  /** From this many failures on, each failure delays the next attempt (N). */
  slowAfter: number;
  /** Delay after failure N; doubles with each failure after that. */
  baseDelayMs: number;
  /** Cap on that delay. */
  maxDelayMs: number;
  /** Failures that lock the key (M). */
  lockAfter: number;
  /** How long a lock lasts. */
  lockMs: number;
  /** Failures older than this (counted from the last failure) are forgotten. */
  windowMs: number;
}

/** Per account: failures 1–4 are free, the 5th to 9th delay the next attempt 1 s, 2 s, 4 s, 8 s, 16 s; the 10th locks for 15 minutes. */
export const ACCOUNT_THROTTLE: Readonly<ThrottlePolicy> = Object.freeze({
  slowAfter: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  windowMs: 15 * 60_000,
});

/**
 * Per IP: looser, because many people share an office or carrier NAT address; it stops one
 * address spraying passwords across many accounts.
 */
export const IP_THROTTLE: Readonly<ThrottlePolicy> = Object.freeze({
  slowAfter: 20,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  lockAfter: 100,
  lockMs: 15 * 60_000,
  windowMs: 15 * 60_000,
});

/**
 * How long to refuse attempts after the `failures`-th consecutive failure.
 * @example throttleDelayMs(5, ACCOUNT_THROTTLE) // 1000; throttleDelayMs(10, ACCOUNT_THROTTLE) // 900000
 */
export function throttleDelayMs(failures: number, policy: Readonly<ThrottlePolicy>): number {
  if (failures >= policy.lockAfter) return policy.lockMs;
  if (failures < policy.slowAfter) return 0;
  const exponent = Math.min(failures - policy.slowAfter, 30);
  return Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
}
