import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { toTollgateError, type TollgateError } from '../../errors/index.ts';
import { formatUsd } from '../../money/index.ts';
import { relayStream } from '../reply/sse-relay.ts';
import type { GatewayCall } from './call-context.ts';
import type { Stage } from './stage.ts';

export interface PipelineOptions {
  log: Logger;
  /** Renews a stream's budget reservation now and then (called per upstream chunk). */
  keepAlive?: ((call: GatewayCall) => void) | undefined;
  /** Whether the cost is sent (header, stream trailer): when metering is on. */
  sendsCost: boolean;
  /**
   * Record each stage's CPU time on `call.timings` and hand the finished call to this (TOLLGATE_PROFILE=on);
   * undefined: nothing is measured at all.
   */
  profile?: ((call: GatewayCall) => void) | undefined;
}

export const COST_HEADER = 'x-tollgate-cost-usd';

/**
 * The runner: the stages in order until one throws; then the answer's body (an SSE stream is relayed
 * here, after guard-out had its chance to wrap it); then the `always` stages that must see the
 * answer before it is finished (meter), the end of the answer (JSON with its cost header, the error
 * in OpenAI's shape, or the stream's cost trailer), and the other `always` stages (record).
 * Every outcome passes meter and record exactly once.
 */
export function createPipeline(stages: readonly Stage[], options: PipelineOptions): (call: GatewayCall) => Promise<void> {
  const main = stages.filter((s) => !s.always);
  const beforeFinish = stages.filter((s) => s.always && s.beforeFinish);
  const afterFinish = stages.filter((s) => s.always && !s.beforeFinish);
  const profile = options.profile;
  const runStage = profile ? timedStage : plainStage;

  return async function run(call: GatewayCall): Promise<void> {
    try {
      // A call that arrived broken (a bad URL) is refused before anything else, as a framework would.
      if (call.error) throw call.error;
      for (let i = 0; i < main.length; i++) {
        const pending = runStage(main[i]!, call);
        if (pending !== undefined) await pending;
      }
      const reply = call.reply;
      if (reply?.kind === 'stream') {
        call.sink.start(reply.status, {
          ...reply.headers,
          ...call.rateLimit?.headers,
          'x-request-id': call.requestId,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
          ...(options.sendsCost ? { trailer: COST_HEADER } : {}),
        });
        await relayStream(call, reply.body, call.sink, { kind: call.target!.streamKind!, onChunk: options.keepAlive && (() => options.keepAlive!(call)) });
      }
    } catch (err) {
      failed(call, toTollgateError(err), options.log);
    }
    for (const stage of beforeFinish) await settle(stage, call, runStage, options.log);
    finish(call, options);
    for (const stage of afterFinish) await settle(stage, call, runStage, options.log);
    profile?.(call);
  };
}

function plainStage(stage: Stage, call: GatewayCall): void | Promise<void> {
  return stage.run(call);
}

/**
 * Measures a stage's synchronous part only: while an async stage waits, the process serves other
 * requests, and their CPU is not this stage's (docs/benchmark.md says what the rest is).
 */
function timedStage(stage: Stage, call: GatewayCall): void | Promise<void> {
  const started = process.cpuUsage();
  const pending = stage.run(call);
  addTime(call, stage.name, started);
  return pending;
}

function addTime(call: GatewayCall, name: string, started: NodeJS.CpuUsage): void {
  const used = process.cpuUsage(started);
  const timings = (call.timings ??= {});
  timings[name] = (timings[name] ?? 0) + used.user + used.system;
}

/** An always-stage never stops the others: its failure is logged. */
async function settle(stage: Stage, call: GatewayCall, runStage: typeof plainStage, log: Logger): Promise<void> {
  try {
    const pending = runStage(stage, call);
    if (pending !== undefined) await pending;
  } catch (err) {
    log.error({ err, reqId: call.requestId, stage: stage.name }, 'gateway stage failed');
  }
}

function failed(call: GatewayCall, e: TollgateError, log: Logger): void {
  call.error = e;
  call.errorCode ??= e.code;
  call.status = e.status;
  if (e.status >= 500 && e.code === 'internal_error') log.error({ err: e.cause ?? e, reqId: call.requestId }, 'request failed');
}

/** Ends the answer: the error, the JSON body with its cost header, or the stream's cost trailer. */
function finish(call: GatewayCall, options: PipelineOptions): void {
  const sink = call.sink;
  if (sink.closed) {
    // Nobody to answer: its request did not arrive in time (408, answered on the socket), the client
    // left before the answer (499), or during a stream (the status it got stands; the row says why it ended).
    if (sink.timedOut()) {
      call.status = 408;
      call.errorCode = 'request_timeout';
    } else {
      if (!sink.started) call.status = 499;
      call.errorCode ??= 'client_closed';
    }
    return;
  }
  const cost = options.sendsCost ? costOf(call) : undefined;
  const error = call.error;
  if (error) {
    if (sink.started) {
      sink.end(); // a stream that already began: its error event was sent by the relay
      return;
    }
    const headers: OutgoingHttpHeaders = { ...error.responseHeaders(), 'x-request-id': call.requestId, 'content-type': 'application/json; charset=utf-8' };
    const body = JSON.stringify(error.toBody());
    headers['content-length'] = Buffer.byteLength(body);
    sink.start(error.status, headers);
    sink.end(body);
    return;
  }
  const reply = call.reply!;
  if (reply.kind === 'stream') {
    sink.end(undefined, cost === undefined ? undefined : { [COST_HEADER]: cost });
    return;
  }
  const headers: OutgoingHttpHeaders = {
    ...reply.headers,
    ...call.rateLimit?.headers,
    'x-request-id': call.requestId,
    'content-type': 'application/json',
    'content-length': reply.body.length,
  };
  if (cost !== undefined) headers[COST_HEADER] = cost;
  call.status = reply.status;
  sink.start(reply.status, headers);
  sink.end(reply.body);
}

function costOf(call: GatewayCall): string | undefined {
  const total = call.metering?.cost?.total;
  return total === undefined || total === null ? undefined : formatUsd(total);
}
