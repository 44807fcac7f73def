import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail } from '../errors/index.ts';
import { matchEndpoint } from './endpoints.ts';
import { newCall, type GatewayCall } from './pipeline/call-context.ts';
import { HttpSink } from './pipeline/call-sink.ts';

export interface GatewayHandlerDeps {
  run: (call: GatewayCall) => Promise<void>;
  newRequestId: () => string;
  clientAddress: (req: IncomingMessage) => string;
}

/**
 * The /v1 entry point, on node's HTTP server directly (no framework on the hot path): finds the
 * endpoint, opens the call and hands it to the pipeline. An unknown path is a call too: it is
 * authenticated, answered 404 and recorded like every other.
 */
export function createGatewayHandler(deps: GatewayHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const match = matchEndpoint(method === 'HEAD' ? 'GET' : method, path);
    let param = match?.param;
    let badUrl = false;
    if (path.includes('%')) {
      try {
        decodeURIComponent(path);
        if (param !== undefined) param = decodeURIComponent(param);
      } catch {
        badUrl = true;
      }
    }
    const call = newCall({
      requestId: deps.newRequestId(),
      method,
      target: badUrl ? undefined : match?.endpoint,
      path,
      pathParam: param,
      ip: deps.clientAddress(req),
      headers: req.headers,
      sink: new HttpSink(res),
      bodySource: req,
    });
    if (badUrl) {
      call.error = fail('invalid_url', { reason: 'it has an invalid percent-encoding' });
    }
    void deps.run(call);
  };
}
