/**
 * Writes a pre-rendered Server-Sent Events stream to a response, honouring
 * backpressure and injecting stream faults (stall, break, malformed).
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamFault } from './fault-types.ts';

/** Renders a `data:`-only event (chat and legacy completions streams). */
export function dataEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** Renders a typed event (Responses API streams). */
export function typedEvent(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** The terminator of chat and completions streams. */
export const DONE_EVENT = 'data: [DONE]\n\n';

/** Options for {@link writeSseStream}. */
export interface SseWriteOptions {
  fault?: StreamFault | undefined;
  /** Pause between events; 0 sends the whole stream in as few writes as possible. */
  chunkDelayMs?: number;
}

/**
 * Cuts the JSON of an event in half, keeping its `event:` line, so the
 * client sees correct SSE framing around an unparseable payload.
 */
export function malformedVariant(event: string): string {
  const dataAt = event.lastIndexOf('data: ');
  const head = event.slice(0, dataAt);
  const json = event.slice(dataAt + 6).replace(/\n+$/, '');
  return `${head}data: ${json.slice(0, Math.max(1, Math.floor(json.length / 2)))}\n\n`;
}

function whenClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.closed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

// 'drain' never fires once the client is gone, so also wake up on 'close'.
function whenDrainedOrClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function flushed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.write('', () => resolve()));
}

/**
 * Streams `events` (already framed) and ends the response. A fault fires
 * after `after_chunks` events (clamped to the stream length, so a large
 * value fires after the final event, before the response ends).
 */
export async function writeSseStream(res: ServerResponse, events: readonly string[], options: SseWriteOptions = {}): Promise<void> {
  const fault = options.fault;
  const faultAt = fault === undefined ? -1 : Math.min(fault.after_chunks ?? 0, events.length);
  const delay = options.chunkDelayMs ?? 0;
  // Without pacing, corking coalesces the whole stream into one socket write.
  let corked = delay === 0;
  if (corked) res.cork();
  const uncork = (): void => {
    if (corked) {
      res.uncork();
      corked = false;
    }
  };

  for (let i = 0; i <= events.length; i++) {
    if (res.destroyed) return;
    if (i === faultAt && fault !== undefined) {
      if (fault.kind === 'stall') {
        uncork();
        await whenClosed(res);
        return;
      }
      if (fault.kind === 'break') {
        uncork();
        await flushed(res);
        res.destroy();
        return;
      }
      const broken = malformedVariant(events[i] ?? events[events.length - 1] ?? 'data: {}\n\n');
      if (!res.write(broken)) {
        uncork();
        await whenDrainedOrClosed(res);
      }
    }
    const event = events[i];
    if (event === undefined) break;
    if (!res.write(event)) {
      // Corked data is only flushed on uncork, so waiting for 'drain' while corked would deadlock.
      uncork();
      await whenDrainedOrClosed(res);
    }
    if (delay > 0 && i < events.length - 1) await sleep(delay);
  }
  uncork();
  res.end();
}
