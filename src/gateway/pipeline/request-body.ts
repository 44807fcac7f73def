import { fail } from '../../errors/index.ts';
import { isJsonContentType } from '../../http/index.ts';
import type { GatewayCall } from './call-context.ts';

/**
 * Reads the body of a call from its connection, up to `limit` bytes: JSON only (415 otherwise),
 * 413 past the limit (announced or sent), 499 when the client leaves before it is all there.
 */
export function readRequestBody(call: GatewayCall, limit: number): Promise<Buffer> {
  const source = call.bodySource;
  const length = call.headers['content-length'];
  if (!source || length === '0' || (length === undefined && call.headers['transfer-encoding'] === undefined)) return Promise.reject(fail('empty_body'));
  if (!isJsonContentType(call.headers['content-type'])) {
    source.resume();
    return Promise.reject(fail('unsupported_media_type'));
  }
  const announced = Number(call.headers['content-length']);
  if (announced > limit) {
    source.resume();
    return Promise.reject(fail('request_too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        source.resume();
        reject(fail('request_too_large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onGone = () => {
      cleanup();
      reject(fail('client_closed'));
    };
    const cleanup = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onGone);
      source.off('close', onGone);
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onGone);
    source.on('close', onGone);
  });
}
