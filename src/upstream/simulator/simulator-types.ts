/**
 * Public types of the OpenAI upstream simulator.
 */
import type { FaultQueue } from './fault-queue.ts';
import type { ExtraModel } from './model-catalog.ts';
import type { FileStoreLimits } from './file-store.ts';

/** Options for {@link createSimulator}. */
export interface SimulatorOptions {
  /** When set, every `/v1` request must carry `Authorization: Bearer <apiKey>`; otherwise any or no key is accepted. */
  apiKey?: string;
  /**
   * Models to serve besides the built-in catalog (every other id gets OpenAI's
   * 404 `model_not_found`). For tests that need a made-up or self-hosted model
   * name: `['acme-llama-70b']`, or `{ id, snapshot, kind, encoding, reasoningEfforts }`.
   */
  models?: readonly (string | ExtraModel)[];
  /** Bounds of the Files API's in-memory store (default 64 MB per file, 256 MB in total). */
  fileLimits?: FileStoreLimits;
  /** Time between a batch's steps (validating → in_progress → finalizing → completed). Default 30 ms. */
  batchStepMs?: number;
}

/** One request the simulator received (control-API calls are not recorded). */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without the leading "?" ("" when absent). */
  query: string;
  /** Request headers with lowercase names; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it was not JSON, or null when empty. */
  body: unknown;
  /** The `x-request-id` the simulator answered with. */
  requestId: string;
  /** Unix milliseconds when the request arrived. */
  receivedAt: number;
}

/** A running (or ready to run) simulator. */
export interface Simulator {
  /** Base URL such as `http://127.0.0.1:PORT`; empty until {@link listen} resolves. */
  readonly url: string;
  /** Starts listening (port 0 picks a free port, host defaults to 127.0.0.1) and resolves to {@link url}. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops the server, cutting any open (e.g. stalled) connections. */
  close(): Promise<void>;
  /** Programmable faults, shared with the `/_simulator/faults` control endpoint. */
  readonly faults: FaultQueue;
  /** The last 200 requests, oldest first. */
  readonly requests: RecordedRequest[];
}
