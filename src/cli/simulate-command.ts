import { serveSimulator } from '../upstream/simulator/index.ts';

/** `tollgate simulate`: the OpenAI-compatible simulator as its own server. */
export async function simulateCommand(port: number, host: string): Promise<void> {
  await serveSimulator(port, host, {});
}
