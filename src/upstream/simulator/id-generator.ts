/**
 * Object ids (`chatcmpl-…`, `resp_…`, `req_…`). They only need to be unique
 * within a process, so a random per-process stem plus a counter replaces
 * per-request randomness, which keeps id generation off the hot path's profile.
 */
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const COUNTER_WIDTH = 8;

function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

const alnumStem = randomAlnum(64);
const hexStem = randomBytes(32).toString('hex');
let counter = 0;

function nextCounter(radix: 16 | 36): string {
  counter = (counter + 1) % 0xffffffff;
  return counter.toString(radix).padStart(COUNTER_WIDTH, '0');
}

/** `prefix` followed by `length` alphanumeric characters, e.g. `chatcmpl-` + 29. */
export function alnumId(prefix: string, length: number): string {
  return prefix + alnumStem.slice(0, Math.max(0, length - COUNTER_WIDTH)) + nextCounter(36);
}

/** `prefix` followed by `length` lowercase hex digits, e.g. `req_` + 32. */
export function hexId(prefix: string, length: number): string {
  return prefix + hexStem.slice(0, Math.max(0, length - COUNTER_WIDTH)) + nextCounter(16);
}
