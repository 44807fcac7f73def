/**
 * The `/_simulator/*` control endpoints, which let a test program a
 * simulator running in another process:
 *
 *   POST   /_simulator/faults    {"faults":[...]}  append to the fault queue
 *   GET    /_simulator/faults                      list queued faults
 *   DELETE /_simulator/faults                      clear the queue
 *   GET    /_simulator/requests                    recorded requests, oldest first
 *   DELETE /_simulator/requests                    forget recorded requests
 */
import { FaultFormatError, parseFault, type Fault } from './fault-types.ts';
import type { FaultQueue } from './fault-queue.ts';
import { SimulatorHttpError, invalidUrl } from './openai-error.ts';
import { isJsonObject } from './request-checks.ts';
import type { RecordedRequest } from './simulator-types.ts';

/** Path prefix of the control API. */
export const CONTROL_PREFIX = '/_simulator/';

/** What the control API operates on. */
export interface ControlState {
  faults: FaultQueue;
  requests: RecordedRequest[];
}

/** A control response: status and JSON body. */
export interface ControlReply {
  status: number;
  body: unknown;
}

function invalidFaults(message: string): SimulatorHttpError {
  return new SimulatorHttpError(400, message, 'invalid_request_error', 'faults', 'invalid_simulator_fault');
}

/** Accepts `{"faults":[...]}`, and for convenience a bare fault or array of faults. */
function readFaults(body: unknown): Fault[] {
  const list = isJsonObject(body) && 'faults' in body ? body['faults'] : body;
  const items = Array.isArray(list) ? list : [list];
  try {
    return items.map(parseFault);
  } catch (error) {
    if (error instanceof FaultFormatError) throw invalidFaults(error.message);
    throw error;
  }
}

/** Handles one control request; throws SimulatorHttpError for bad input or unknown paths. */
export function handleControl(method: string, path: string, body: unknown, state: ControlState): ControlReply {
  const route = `${method} ${path}`;
  switch (route) {
    case 'POST /_simulator/faults': {
      if (body === undefined) throw invalidFaults("Missing required parameter: 'faults'.");
      const faults = readFaults(body);
      state.faults.push(...faults);
      return { status: 200, body: { queued: faults.length, size: state.faults.size } };
    }
    case 'GET /_simulator/faults':
      return { status: 200, body: { object: 'list', data: state.faults.list() } };
    case 'DELETE /_simulator/faults':
      return { status: 200, body: { cleared: state.faults.clear() } };
    case 'GET /_simulator/requests':
      return { status: 200, body: { object: 'list', data: state.requests } };
    case 'DELETE /_simulator/requests': {
      const cleared = state.requests.length;
      state.requests.length = 0;
      return { status: 200, body: { cleared } };
    }
    default:
      throw invalidUrl(method, path);
  }
}

/** Parses the `x-simulator-fault` header (one fault or an array of faults as JSON). */
export function parseFaultHeader(value: string | string[] | undefined): Fault[] | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidFaults('Invalid x-simulator-fault header: not valid JSON.');
  }
  try {
    return (Array.isArray(parsed) ? parsed : [parsed]).map(parseFault);
  } catch (error) {
    if (error instanceof FaultFormatError) throw invalidFaults(`Invalid x-simulator-fault header: ${error.message}.`);
    throw error;
  }
}
