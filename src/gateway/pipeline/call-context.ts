import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Principal } from '../../access/index.ts';
import type { TollgateError } from '../../errors/index.ts';
import type { Label, ResolvedPolicy } from '../../guard/index.ts';
import type { MeteringState } from '../../metering/index.ts';
import type { TokenUsage } from '../../metering/index.ts';
import type { RateLimitAdmission } from '../../traffic/rate-limit/index.ts';
import type { DeploymentRequirements, FallbackStep, UpstreamClient } from '../../upstream/index.ts';
import type { GatewayEndpoint } from '../endpoints.ts';
import type { CallSink } from './call-sink.ts';
import type { CallCacheState } from './route-cache.ts';
import type { StageName } from './stage.ts';

/** What the call stage got back, for guard-out to inspect or wrap and for the runner to send. */
export type UpstreamReply =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'stream'; status: number; headers: Record<string, string>; body: Readable };

/**
 * One /v1 request as it moves through the pipeline (src/gateway/pipeline/stages.ts). Created by the
 * gateway's HTTP handler (or by the workspace for a chat turn), passed to every stage explicitly;
 * the record stage turns it into the ledger row and the log line. Plain data: no framework object.
 */
export interface GatewayCall {
  readonly requestId: string;
  /** performance.now() at arrival. */
  readonly startedAt: number;
  /** Date.now() at arrival. */
  readonly receivedAt: number;
  readonly method: string;
  /** The endpoint asked for, or undefined for an unknown path (404 after authentication). */
  readonly target: GatewayEndpoint | undefined;
  /** The route pattern (`/v1/models/:id`), or null for an unknown path. */
  readonly route: string | null;
  /** What the ledger calls the endpoint: the route pattern, or the path asked for when none matched. */
  readonly endpoint: string;
  /** The `:id` of `/v1/models/:id`. */
  readonly pathParam: string | undefined;
  readonly ip: string;
  readonly headers: IncomingHttpHeaders;
  /** The request body as it arrived (read by admit), or given by an in-process caller. */
  rawBody: Buffer | undefined;
  /** Where the request body comes from when it has not been read yet. */
  readonly bodySource: Readable | undefined;
  /** Where the answer goes; a stage may put it behind a wrapper (the response cache adds its status header). */
  sink: CallSink;

  /** Who calls (authenticate); an in-process caller may set it before the pipeline runs. */
  principal: Principal | undefined;
  /** The validated request body (admit). */
  body: Record<string, unknown> | undefined;
  modelRequested: string | null;
  stream: boolean;
  /** What is sent upstream: the raw body, or a rewritten one (usage asked for on streams). */
  upstreamBody: Buffer | string | undefined;
  /** Drop the usage-only chunk of a stream: the gateway asked for it, the client did not. */
  stripUsageChunk: boolean;
  /** Filled by admit (reservation) and meter (cost). */
  metering: MeteringState | undefined;
  /**
   * Set by guard-in when a guardrail policy applies: the policy, the prompt's placeholders (for
   * guard-out) and the request's sensitivity label (policy default, `x-tollgate-classification`, detections).
   */
  guard: { resolved: ResolvedPolicy; restore: ReadonlyMap<string, string> | undefined; label: Label | undefined } | undefined;
  /**
   * The request's sensitivity label when one is known: guard-in's verdict under a policy, else the
   * caller's `x-tollgate-classification`. Route binds it to deployments and the cache; record keeps it.
   */
  classification: Label | undefined;
  /** What the rate limiter admitted (admit); settled or released by the limits stage. */
  rateLimit: RateLimitAdmission | undefined;

  /** The upstream chosen by route (the single configured upstream, when no deployments are). */
  upstream: UpstreamClient | undefined;
  /** With deployments configured: the model to serve (alias resolved) and its fallback steps (route). */
  plan: { model: string | null; chain: readonly FallbackStep[]; requirements?: DeploymentRequirements | undefined } | undefined;
  /** Upstream attempts made (call); 0 when the request never reached an upstream. */
  attempts: number;
  /** The deployments tried, in order, comma-separated (null without deployments). */
  deploymentsTried: string | null;
  /** Aborts the upstream request (client gone, stream broken). */
  abort: AbortController | undefined;
  reply: UpstreamReply | undefined;
  upstreamStatus: number | null;
  upstreamRequestId: string | null;
  modelServed: string | null;
  /** The tier the upstream says it served (`service_tier`): what is billed. */
  serviceTier: string | null;
  usage: TokenUsage | undefined;
  /** Completion text relayed so far, read only when a stream ends without usage. */
  streamedText: string;

  /** What the response cache did (route-cache.ts); undefined when it was not consulted. */
  cache: CallCacheState | undefined;

  /** The HTTP status the client got (or 499 when it left, 408 when its request timed out). */
  status: number;
  error: TollgateError | undefined;
  errorCode: string | null;
  /** CPU microseconds per stage, with TOLLGATE_PROFILE=on. */
  timings: Partial<Record<StageName, number>> | undefined;
}

export interface NewCall {
  requestId: string;
  method: string;
  target: GatewayEndpoint | undefined;
  path: string;
  pathParam?: string | undefined;
  ip: string;
  headers: IncomingHttpHeaders;
  sink: CallSink;
  bodySource?: Readable | undefined;
  rawBody?: Buffer | undefined;
  principal?: Principal | undefined;
}

/** A call as it arrives: nothing decided yet. */
export function newCall(n: NewCall): GatewayCall {
  return {
    requestId: n.requestId,
    startedAt: performance.now(),
    receivedAt: Date.now(),
    method: n.method,
    target: n.target,
    route: n.target?.route ?? null,
    endpoint: n.target?.route ?? n.path,
    pathParam: n.pathParam,
    ip: n.ip,
    headers: n.headers,
    rawBody: n.rawBody,
    bodySource: n.bodySource,
    sink: n.sink,
    principal: n.principal,
    body: undefined,
    modelRequested: null,
    stream: false,
    upstreamBody: undefined,
    stripUsageChunk: false,
    metering: undefined,
    guard: undefined,
    classification: undefined,
    rateLimit: undefined,
    upstream: undefined,
    plan: undefined,
    attempts: 0,
    deploymentsTried: null,
    abort: undefined,
    reply: undefined,
    upstreamStatus: null,
    upstreamRequestId: null,
    modelServed: null,
    serviceTier: null,
    usage: undefined,
    streamedText: '',
    cache: undefined,
    status: 200,
    error: undefined,
    errorCode: null,
    timings: undefined,
  };
}
