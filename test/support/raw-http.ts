import { connect, type Socket } from 'node:net';

/** A raw TCP connection to a test server, with everything it received and when it closed. */
export interface RawConnection {
  socket: Socket;
  /** Every byte the server sent, as text. */
  received(): string;
  /** Resolves with the time (performance.now()) the connection closed. */
  closed: Promise<number>;
}

/**
 * Opens a TCP connection to `url`'s host and port, optionally from another loopback address
 * (`127.0.0.2`…: Linux routes all of 127/8 to loopback), so tests can act as several clients.
 */
export function openRaw(url: string, localAddress?: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ...(localAddress ? { localAddress } : {}) });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    // A reset by the server is one way of closing; the test looks at when, not how.
    socket.on('error', () => {});
    const closed = new Promise<number>((r) => socket.once('close', () => r(performance.now())));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The first status code of a raw HTTP response text, or undefined. */
export function statusOf(text: string): number | undefined {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** `promise`, or a rejection naming `what` after `ms` milliseconds (a test fails instead of hanging). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
