import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/** A TCP proxy in front of Redis whose `cut()` closes every connection and refuses new ones (an outage) until `heal()`. */
export async function redisProxy(target: URL): Promise<{ url: string; cut(): void; heal(): void; close(): void }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = new Socket();
    upstream.connect(Number(target.port || 6379), target.hostname);
    client.pipe(upstream).pipe(client);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    heal() {
      down = false;
    },
    close() {
      down = true;
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
