import type { Principal } from '../access/principal.ts';
import type { TokenUsage } from '../metering/usage-record.ts';
import type { MeteringState } from '../metering/meter.ts';

/** What the pipeline learns about one /v1 request; the record stage turns it into a ledger row and a log line. */
export interface GatewayContext {
  requestId: string;
  /** performance.now() at arrival. */
  startedAt: number;
  /** Date.now() at arrival. */
  receivedAt: number;
  method: string;
  /** The route pattern (`/v1/models/:id`), or null when no route matched. */
  route: string | null;
  /** What the ledger calls the endpoint: the route pattern, or the path asked for when none matched. */
  endpoint: string;
  principal: Principal | undefined;
  modelRequested: string | null;
  modelServed: string | null;
  stream: boolean;
  usage: TokenUsage | undefined;
  upstreamRequestId: string | null;
  /** The HTTP status the upstream answered with; null while (or when) it never answered. */
  upstreamStatus: number | null;
  /** The tier the upstream says it served (`service_tier`): what is billed. */
  serviceTier: string | null;
  /** The validated request body, kept for token estimates (budgets, streams without usage). */
  body: Record<string, unknown> | undefined;
  /** Completion text relayed so far, used only when a stream ends without usage. Bounded. */
  streamedText: string;
  /** Filled by the meter stage. */
  metering: MeteringState | undefined;
  errorCode: string | null;
  /** Set once the request has been written to the ledger, so it is never written twice. */
  recorded: boolean;
}

export function newContext(requestId: string, method: string, route: string | null, path: string): GatewayContext {
  return {
    requestId,
    startedAt: performance.now(),
    receivedAt: Date.now(),
    method,
    route,
    endpoint: route ?? path,
    principal: undefined,
    modelRequested: null,
    modelServed: null,
    stream: false,
    usage: undefined,
    upstreamRequestId: null,
    upstreamStatus: null,
    serviceTier: null,
    body: undefined,
    streamedText: '',
    metering: undefined,
    errorCode: null,
    recorded: false,
  };
}
