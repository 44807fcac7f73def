/**
 * The contract between the HTTP server and the endpoint handlers: handlers
 * get a parsed request and return a value to send, never touching sockets,
 * so the server alone owns framing, headers and fault injection.
 */
import type { JsonObject } from './request-checks.ts';

/** A request as handlers see it. */
export interface EndpointRequest {
  method: string;
  path: string;
  /** Path parameter, e.g. the model id of GET /v1/models/{model}. */
  param: string | undefined;
  /** Parsed JSON body ({} for bodiless requests). */
  body: JsonObject;
  /** The body as received, used as a cache key for identical requests. */
  rawBody: string;
}

/** A complete JSON answer. */
export interface JsonResult {
  type: 'json';
  status: number;
  body: unknown;
  /** Tokens the request used, for the rate-limit headers. */
  tokens: number;
}

/** A pre-rendered event stream. */
export interface StreamResult {
  type: 'sse';
  /** Fully framed SSE events, in order. */
  events: string[];
  tokens: number;
}

/** What a handler returns. */
export type EndpointResult = JsonResult | StreamResult;

/** An endpoint implementation; throws SimulatorHttpError for API errors. */
export type EndpointHandler = (request: EndpointRequest) => EndpointResult;

/** Convenience constructor for a 200 JSON result. */
export function jsonResult(body: unknown, tokens = 0): JsonResult {
  return { type: 'json', status: 200, body, tokens };
}
