import { readUsage, type TokenUsage } from '../../metering/index.ts';

/** What the meter needs from a non-streamed answer. */
export interface AnswerFacts {
  model: string | null;
  serviceTier: string | null;
  usage: TokenUsage | undefined;
}

/**
 * Reads the served model, the service tier and the usage from a JSON answer without parsing all of
 * it: OpenAI puts `model` among the first keys and `usage` last, so the first `"model":` and the
 * last `"usage":` are found by byte search and only their values are parsed. (A quote inside a JSON
 * string is always escaped, so `"usage":` cannot occur inside message text.) Falls back to a full
 * parse when the answer looks otherwise; undefined when it is not JSON at all.
 */
export function answerFacts(body: Buffer): AnswerFacts | undefined {
  const usageAt = lastKey(body, '"usage"');
  const modelAt = firstKey(body, '"model"');
  const usage = usageAt === -1 ? null : valueAt(body, usageAt + 7);
  const model = modelAt === -1 ? null : valueAt(body, modelAt + 7);
  const tierAt = lastKey(body, '"service_tier"');
  const tier = tierAt === -1 ? null : valueAt(body, tierAt + 14);
  if (usage === undefined || model === undefined || tier === undefined || body[0] !== 0x7b || body[lastNonSpace(body)] !== 0x7d) return full(body);
  return {
    model: typeof model === 'string' ? model : null,
    serviceTier: typeof tier === 'string' ? tier : null,
    usage: usage === null ? undefined : readUsage(usage),
  };
}

function full(body: Buffer): AnswerFacts | undefined {
  let parsed: { model?: unknown; usage?: unknown; service_tier?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  return {
    model: typeof parsed.model === 'string' ? parsed.model : null,
    serviceTier: typeof parsed.service_tier === 'string' ? parsed.service_tier : null,
    usage: readUsage(parsed.usage),
  };
}

function firstKey(buf: Buffer, key: string): number {
  return buf.indexOf(key, 0, 'latin1');
}

function lastKey(buf: Buffer, key: string): number {
  return buf.lastIndexOf(key, buf.length, 'latin1');
}

/**
 * The JSON value after `"key"` at `at` (skipping `:` and spaces), parsed; `undefined` when it cannot
 * be read (then the caller parses the whole answer).
 */
function valueAt(buf: Buffer, at: number): unknown {
  let i = at;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (buf[i] !== 0x3a /* : */) return undefined;
  i++;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  const end = valueEnd(buf, i);
  if (end === -1) return undefined;
  try {
    return JSON.parse(buf.toString('utf8', i, end));
  } catch {
    return undefined;
  }
}

/** Where the JSON value starting at `i` ends (exclusive): a string, an object/array (balanced), or a bare literal. */
function valueEnd(buf: Buffer, i: number): number {
  const first = buf[i];
  if (first === 0x22 /* " */) {
    for (let j = i + 1; j < buf.length; j++) {
      if (buf[j] === 0x5c) j++;
      else if (buf[j] === 0x22) return j + 1;
    }
    return -1;
  }
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const c = buf[j];
      if (c === 0x22) {
        for (j++; j < buf.length && buf[j] !== 0x22; j++) if (buf[j] === 0x5c) j++;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < buf.length && buf[j] !== 0x2c && buf[j] !== 0x7d && buf[j] !== 0x5d && buf[j] !== 0x20 && buf[j] !== 0x0a && buf[j] !== 0x0d) j++;
  return j > i ? j : -1;
}

function lastNonSpace(buf: Buffer): number {
  let i = buf.length - 1;
  while (i > 0 && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i--;
  return i;
}
