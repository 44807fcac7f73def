import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { fail, TollgateError } from '../../errors/index.ts';
import type { UpstreamClient } from '../../upstream/index.ts';

/**
 * Streams a multipart upload to the upstream's POST /files as it arrives: the body is never held
 * whole, and is cut at `limit` bytes (413 `file_too_large`, also when Content-Length says so up front).
 * The rest of a body past the limit is read and dropped so the client gets its 413.
 */
export async function relayUpload(req: IncomingMessage, upstream: UpstreamClient, limit: number, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;\s*boundary=/i.test(type)) throw fail('file_upload_not_multipart');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw fail('file_too_large', { limit });
  }
  let seen = 0;
  let over = false;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) {
        over = true;
        done(new Error('upload over the limit'));
        return;
      }
      done(null, chunk);
    },
  });
  req.pipe(counted);
  counted.on('error', () => {
    req.unpipe(counted);
    req.resume();
  });
  try {
    return await upstream.send({ method: 'POST', path: '/files', headers: { 'content-type': type }, body: counted, signal });
  } catch (err) {
    if (over) throw fail('file_too_large', { limit });
    if (err instanceof TollgateError) throw err;
    throw fail(signal.aborted ? 'client_closed' : 'upstream_unreachable', {}, { cause: err });
  }
}
