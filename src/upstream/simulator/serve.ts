/**
 * Entry point behind `tollgate simulate`: starts a simulator and reports
 * where it listens.
 */
import { createSimulator } from './simulator-server.ts';
import type { Simulator, SimulatorOptions } from './simulator-types.ts';

/**
 * Starts a simulator on `host:port` and prints one line with its URL.
 * Resolves once listening; the returned simulator can be closed by the caller.
 */
export async function serveSimulator(port: number, host: string, options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = createSimulator(options);
  const url = await simulator.listen(port, host);
  process.stdout.write(`Tollgate OpenAI simulator listening on ${url}\n`);
  return simulator;
}
