/**
 * Fault definitions: the JSON accepted by `POST /_simulator/faults`, the
 * `x-simulator-fault` header and `simulator.faults.push()`.
 */

/** Restricts a fault to some requests; every given field must match. */
export interface FaultMatch {
  /** Request path, e.g. "/v1/chat/completions" (the "/v1" prefix may be omitted). */
  path?: string;
  /** Exact `model` of the request body. */
  model?: string;
  /** Whether the request asked for a stream. */
  stream?: boolean;
}

interface FaultCommon {
  /** How many matching requests the fault serves before it is removed (default 1). */
  times?: number;
  match?: FaultMatch;
}

/** Answer with an OpenAI-shaped error of this HTTP status instead of the real response. */
export interface StatusFault extends FaultCommon {
  kind: 'status';
  status: number;
  /** Seconds; sent as `Retry-After` and `retry-after-ms`. 429 defaults to 1. */
  retry_after?: number;
  /** Overrides the default error message for the status. */
  message?: string;
  /** Overrides `error.type` (e.g. "insufficient_quota" for a quota 429). */
  type?: string;
  /** Overrides `error.code`. */
  code?: string;
}

/** Delay the response (before the status line / first byte). */
export interface LatencyFault extends FaultCommon {
  kind: 'latency';
  ms: number;
  /** Extra delay between stream events. */
  chunk_ms?: number;
}

/** Stream `after_chunks` events, then go silent with the socket open until the client leaves. */
export interface StallFault extends FaultCommon {
  kind: 'stall';
  after_chunks?: number;
}

/** Stream `after_chunks` events, then destroy the socket. */
export interface BreakFault extends FaultCommon {
  kind: 'break';
  after_chunks?: number;
}

/** Stream `after_chunks` events, then one event with truncated JSON, then carry on normally. */
export interface MalformedFault extends FaultCommon {
  kind: 'malformed';
  after_chunks?: number;
}

/** Faults that shape the body of a response (as opposed to its timing). */
export type StreamFault = StallFault | BreakFault | MalformedFault;

/** Any programmable fault. */
export type Fault = StatusFault | LatencyFault | StreamFault;

/** What a fault's `match` is compared against. */
export interface FaultRequestInfo {
  path: string;
  model: string | undefined;
  stream: boolean;
}

/** A fault that is not well formed. */
export class FaultFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultFormatError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalNumber(raw: Record<string, unknown>, key: string, min: number, integer: boolean): number | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new FaultFormatError(`fault.${key} must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
  }
  return value;
}

function parseMatch(value: unknown): FaultMatch | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new FaultFormatError('fault.match must be an object');
  const match: FaultMatch = {};
  if (value['path'] !== undefined) {
    if (typeof value['path'] !== 'string') throw new FaultFormatError('fault.match.path must be a string');
    match.path = value['path'];
  }
  if (value['model'] !== undefined) {
    if (typeof value['model'] !== 'string') throw new FaultFormatError('fault.match.model must be a string');
    match.model = value['model'];
  }
  if (value['stream'] !== undefined) {
    if (typeof value['stream'] !== 'boolean') throw new FaultFormatError('fault.match.stream must be a boolean');
    match.stream = value['stream'];
  }
  return match;
}

/** Validates untrusted JSON into a {@link Fault}; throws {@link FaultFormatError}. */
export function parseFault(raw: unknown): Fault {
  if (!isRecord(raw)) throw new FaultFormatError('a fault must be a JSON object');
  const common: FaultCommon = {};
  const times = optionalNumber(raw, 'times', 1, true);
  if (times !== undefined) common.times = times;
  const match = parseMatch(raw['match']);
  if (match !== undefined) common.match = match;

  switch (raw['kind']) {
    case 'status': {
      const status = optionalNumber(raw, 'status', 100, true);
      if (status === undefined || status > 599) throw new FaultFormatError('fault.status must be an HTTP status code');
      const fault: StatusFault = { kind: 'status', status, ...common };
      const retryAfter = optionalNumber(raw, 'retry_after', 0, false);
      if (retryAfter !== undefined) fault.retry_after = retryAfter;
      for (const key of ['message', 'type', 'code'] as const) {
        const value = raw[key];
        if (value === undefined) continue;
        if (typeof value !== 'string') throw new FaultFormatError(`fault.${key} must be a string`);
        fault[key] = value;
      }
      return fault;
    }
    case 'latency': {
      const ms = optionalNumber(raw, 'ms', 0, false);
      if (ms === undefined) throw new FaultFormatError('fault.ms is required for a latency fault');
      const fault: LatencyFault = { kind: 'latency', ms, ...common };
      const chunkMs = optionalNumber(raw, 'chunk_ms', 0, false);
      if (chunkMs !== undefined) fault.chunk_ms = chunkMs;
      return fault;
    }
    case 'stall':
    case 'break':
    case 'malformed': {
      const fault: StreamFault = { kind: raw['kind'], ...common };
      const afterChunks = optionalNumber(raw, 'after_chunks', 0, true);
      if (afterChunks !== undefined) fault.after_chunks = afterChunks;
      return fault;
    }
    default:
      throw new FaultFormatError(`unknown fault.kind ${JSON.stringify(raw['kind'])}; expected status, latency, stall, break or malformed`);
  }
}

/** Whether `fault.match` selects this request. */
export function faultMatches(fault: Fault, request: FaultRequestInfo): boolean {
  const match = fault.match;
  if (match === undefined) return true;
  if (match.path !== undefined && match.path !== request.path && `/v1${match.path}` !== request.path) return false;
  if (match.model !== undefined && match.model !== request.model) return false;
  if (match.stream !== undefined && match.stream !== request.stream) return false;
  return true;
}
