// Issue 11.8: a /v1/files upload is streamed to the upstream as it arrives, never held whole in the
// gateway's memory, and cut at the configured limit even when no Content-Length announces its size.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

const MB = 1024 * 1024;
const LIMIT = 160 * MB;
const BOUNDARY = 'tollgate-test-boundary';

// A full collection before each memory sample, so garbage not yet collected is not counted as held.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * A multipart body of `size` file bytes, produced chunk by chunk (the test holds none of it). With
 * `gate`, it stops after `gate.at` bytes until `gate.open` resolves.
 */
function multipart(size: number, gate?: { at: number; open: () => Promise<void> }): Readable {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const chunk = Buffer.alloc(MB, 0x61);
  let sent = 0;
  let state: 'head' | 'body' | 'tail' | 'done' = 'head';
  const next = (): Buffer | null => {
    if (state === 'head') {
      state = 'body';
      return head;
    }
    if (state === 'body') {
      const n = Math.min(MB, size - sent);
      sent += n;
      if (sent >= size) state = 'tail';
      return n === MB ? chunk : chunk.subarray(0, n);
    }
    if (state === 'tail') {
      state = 'done';
      return tail;
    }
    return null;
  };
  return new Readable({
    read() {
      if (gate && state === 'body' && sent >= gate.at) {
        const g = gate;
        gate = undefined;
        // No push until the gate opens: the stream waits, as a slow client would.
        g.open().then(() => this.push(next()), (err: unknown) => this.destroy(err as Error));
        return;
      }
      this.push(next());
    },
  });
}

describe('file uploads are streamed through the gateway', () => {
  let gw: TestGateway;
  let sink: Server;
  let received = 0;
  let arriving = 0;

  before(async () => {
    // An upstream that counts what arrives and answers a File object: only the gateway could buffer.
    sink = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        arriving = bytes;
      });
      req.on('end', () => {
        received = bytes;
        const body = JSON.stringify({ id: `file-big${Date.now()}`, object: 'file', bytes, created_at: 1, filename: 'big.bin', purpose: 'user_data', status: 'processed' });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      req.on('error', () => {});
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const port = (sink.address() as AddressInfo).port;
    gw = await startGateway({ env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, TOLLGATE_UPLOAD_LIMIT_BYTES: String(LIMIT), TOLLGATE_REQUEST_TIMEOUT_MS: '120000' } });
  });
  after(async () => {
    await gw.close();
    sink.closeAllConnections();
    await new Promise<void>((r) => sink.close(() => r()));
  });

  const send = (size: number, gate?: { at: number; open: () => Promise<void> }) =>
    fetch(`${gw.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: multipart(size, gate) as unknown as ReadableStream,
      duplex: 'half',
    } as RequestInit);

  test('the upstream receives the start of an upload before the client has sent the rest (store-and-forward would wait forever)', async () => {
    arriving = 0;
    const res = await send(40 * MB, {
      at: 20 * MB,
      open: async () => {
        const deadline = Date.now() + 10_000;
        while (arriving < 10 * MB) {
          if (Date.now() > deadline) throw new Error(`the upstream had only ${arriving} bytes while the client held back the rest`);
          await new Promise((r) => setTimeout(r, 10));
        }
      },
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok(received >= 40 * MB);
  });

  test('a 150 MB upload reaches the upstream whole while the process holds far less than the file', async () => {
    // The client is another process (curl reading a file), so what this process holds is the gateway's (and the counting sink's).
    const dir = await mkdtemp(join(tmpdir(), 'tollgate-upload-'));
    const path = join(dir, 'big.bin');
    await writeFile(path, '');
    await truncate(path, 150 * MB);
    gc();
    const base = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      gc();
      const m = process.memoryUsage();
      peak = Math.max(peak, m.arrayBuffers + m.heapUsed - (base.arrayBuffers + base.heapUsed));
    }, 200);
    const started = performance.now();
    try {
      const { stdout } = await promisify(execFile)('curl', ['-sS', '-w', '\\n%{http_code}', '-H', `Authorization: Bearer ${gw.adminKey}`, '-F', 'purpose=user_data', '-F', `file=@${path}`, `${gw.url}/v1/files`], { maxBuffer: MB });
      const [body, status] = stdout.split('\n');
      assert.equal(status, '200', body);
      assert.equal((JSON.parse(body!) as { bytes: number }).bytes, received);
    } finally {
      clearInterval(sampler);
      await rm(dir, { recursive: true, force: true });
    }
    const ms = performance.now() - started;
    assert.ok(received >= 150 * MB, 'every byte reached the upstream');
    console.log(`# 150 MB upload through the gateway: ${Math.round(ms)} ms, peak heap+buffers growth ${Math.round(peak / MB)} MB`);
    assert.ok(peak < 48 * MB, `peak memory growth ${Math.round(peak / MB)} MB stays well below the file's 150 MB`);
  });

  test('a chunked upload past the limit is cut with 413 file_too_large', async () => {
    const res = await send(LIMIT + 8 * MB);
    assert.equal(res.status, 413);
    const body = (await res.json()) as { error: { code: string; param: string } };
    assert.equal(body.error.code, 'file_too_large');
  });
});
