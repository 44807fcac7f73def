import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyService } from '../access/key-service.ts';
import type { Principal } from '../access/principal.ts';
import { requestTimedOut } from '../http/client-error.ts';
import { errors } from '../http/errors.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import type { GatewayBody } from './body-schemas.ts';
import { documentRoute } from '../http/openapi/route-docs.ts';
import { ENDPOINTS, type EndpointSpec } from './endpoints.ts';
import { forward } from './forward.ts';
import { checkModelName } from './model-name.ts';
import type { Meter } from '../metering/meter.ts';
import type { Recorder } from './record.ts';
import { newContext, type GatewayContext } from './request-context.ts';
import { validateBody } from './validate-body.ts';

export interface GatewayDeps {
  keys: KeyService;
  upstream: UpstreamClient;
  record: Recorder;
  meter: Meter | undefined;
}

for (const spec of ENDPOINTS) {
  documentRoute(`POST /v1${spec.path}`, { summary: `OpenAI's ${spec.path} endpoint, with the same request and response; the fields shown are the ones Tollgate checks.`, body: spec.schema });
}
documentRoute('GET /v1/models', { summary: 'The models the key may use.' });
documentRoute('GET /v1/models/:id', { summary: 'One model, if the key may use it.' });

declare module 'fastify' {
  interface FastifyRequest {
    gateway: GatewayContext | null;
    rawBody: Buffer | undefined;
  }
}

/**
 * The /v1 gateway. Every request passes: authenticate (onRequest, before the body is read) →
 * validate → admit → call upstream → meter → record (when the response is done with, however it ended).
 */
export async function gatewayRoutes(app: FastifyInstance, deps: GatewayDeps): Promise<void> {
  app.addHook('onRequest', async (req, reply) => {
    if (req.gateway) {
      // A known route: the access layer opened the context and authenticated the key.
      req.gateway.principal = req.access!.principal!;
      return;
    }
    // No such route: open a context anyway, so the 404 is recorded (naming the caller when the key is good).
    const ctx = (req.gateway = contextOf(req));
    recordWhenClosed(ctx, reply, deps.record);
    ctx.principal = await deps.keys.authenticate(req.headers.authorization);
  });

  const forwardDeps = { upstream: deps.upstream, finish: deps.record, meter: deps.meter };

  for (const spec of ENDPOINTS) {
    app.post(spec.path, (req, reply) => handlePost(req, reply, spec, deps, forwardDeps));
  }

  app.get('/models', async (req, reply) => {
    const principal = req.gateway!.principal!;
    const allowed = principal.allowedModels;
    await forward(req, reply, req.gateway!, {
      method: 'GET',
      path: '/models',
      transform: allowed
        ? (body) => {
            const list = body as { data?: { id: string }[] };
            return { ...list, data: (list.data ?? []).filter((m) => allowed.allows(m.id)) };
          }
        : undefined,
    }, forwardDeps);
  });

  app.get<{ Params: { id: string } }>('/models/:id', async (req, reply) => {
    const ctx = req.gateway!;
    checkModelName(req.params.id);
    ctx.modelRequested = req.params.id;
    admitModel(ctx.principal!, req.params.id);
    await forward(req, reply, ctx, { method: 'GET', path: `/models/${encodeURIComponent(req.params.id)}` }, forwardDeps);
  });
}

async function handlePost(req: FastifyRequest, reply: FastifyReply, spec: EndpointSpec, deps: GatewayDeps, forwardDeps: Parameters<typeof forward>[4]) {
  const ctx = req.gateway!;
  // Known before validation, so the ledger row of a refused request still says it asked for a stream.
  const streaming = spec.streamKind !== undefined && (req.body as { stream?: unknown } | null | undefined)?.stream === true;
  ctx.stream = streaming;
  const body = validateBody(spec.schema, req.body) as GatewayBody;
  if (body.model !== undefined) checkModelName(body.model);
  const model = body.model ?? spec.defaultModel ?? null;
  ctx.modelRequested = model;
  if (model !== null) admitModel(ctx.principal!, model);
  ctx.body = body as Record<string, unknown>;

  // Budget reservation: after validation and model admission, before anything reaches the upstream.
  if (deps.meter) await deps.meter.reserve(ctx);
  let payload: string | Buffer | undefined = req.rawBody;
  let stripUsageChunk = false;
  if (streaming && spec.usageChunk && body.stream_options?.include_usage !== true) {
    // Ask the upstream for usage so streamed requests are metered; the extra chunk is stripped.
    stripUsageChunk = true;
    payload = JSON.stringify({ ...body, stream_options: { ...body.stream_options, include_usage: true } });
  }
  await forward(req, reply, ctx, {
    method: 'POST',
    path: spec.path,
    body: payload,
    stream: streaming ? { kind: spec.streamKind!, stripUsageChunk } : undefined,
  }, forwardDeps);
}

/** The admit stage for models: a key limited to some models may call only those. */
function admitModel(principal: Principal, model: string): void {
  if (principal.allowedModels && !principal.allowedModels.allows(model)) {
    throw errors.forbidden('model_not_allowed', `This key is not allowed to use the model '${model}'.`, 'model');
  }
}

/**
 * Records the request once its response is done with: finished, failed, cut by the request timeout
 * (408) or abandoned by the client (499). Fastify's onResponse would miss the last: it runs only when a response finishes.
 */
function recordWhenClosed(ctx: GatewayContext, reply: FastifyReply, record: Recorder): void {
  reply.raw.once('close', () => {
    if (reply.raw.writableFinished) {
      record(ctx, reply.raw.statusCode);
      return;
    }
    if (requestTimedOut(reply.request.raw.socket)) {
      ctx.errorCode = 'request_timeout';
      record(ctx, 408);
      return;
    }
    ctx.errorCode ??= 'client_closed';
    record(ctx, 499);
  });
}

/**
 * Opens the gateway's per-request context, to be recorded whatever happens next; the access layer
 * calls it before authenticating, so refusals are recorded too.
 */
export function gatewayContextOpener(record: Recorder): (req: FastifyRequest, reply: FastifyReply) => void {
  return (req, reply) => {
    const ctx = (req.gateway = contextOf(req));
    recordWhenClosed(ctx, reply, record);
  };
}

function contextOf(req: FastifyRequest): GatewayContext {
  return newContext(req.id, req.method, req.routeOptions.url ?? null, req.url.split('?')[0] ?? req.url);
}
