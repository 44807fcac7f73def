/**
 * Reads and decodes request bodies.
 */
import type { IncomingMessage } from 'node:http';
import { SimulatorHttpError, invalidJsonBody } from './openai-error.ts';

/** Largest body accepted, a little above the API's own limits for embeddings batches. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Collects the whole body as UTF-8 text. */
export async function readBodyText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new SimulatorHttpError(413, 'Request body too large.', 'invalid_request_error', null, 'request_too_large');
    }
    chunks.push(chunk);
  }
  if (chunks.length === 0) return '';
  return chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/** A body parsed as JSON, or the reason it could not be. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; raw: string };

/** Parses JSON text; an empty body parses as `undefined`. */
export function parseJsonText(text: string): ParsedBody {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, raw: text };
  }
}

/** Unwraps a parsed body, throwing the API's invalid-JSON error. */
export function requireJson(parsed: ParsedBody): unknown {
  if (!parsed.ok) throw invalidJsonBody();
  return parsed.value;
}
