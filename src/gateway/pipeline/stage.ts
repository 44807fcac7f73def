import type { GatewayCall } from './call-context.ts';

/** The stages of the request path, in the order they run (see stages.ts). */
export type StageName = 'authenticate' | 'admit' | 'guard-in' | 'route' | 'call' | 'guard-out' | 'meter' | 'record' | (string & {});

/**
 * One step of the gateway's request path: a plain function over the call. It ends the request by
 * throwing a TollgateError; stages marked `always` (meter, record) run whatever happened before.
 * A synchronous stage returns nothing (no promise, no microtask on the hot path).
 */
export interface Stage {
  readonly name: StageName;
  /** Runs even when an earlier stage failed or the client left (metering and recording every outcome). */
  readonly always?: boolean;
  /** An `always` stage that must run before the answer is finished (meter: the cost goes in a header or trailer). */
  readonly beforeFinish?: boolean;
  run(call: GatewayCall): void | Promise<void>;
}
