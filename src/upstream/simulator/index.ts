export { createSimulator } from './simulator-server.ts';
export type { RecordedRequest, Simulator, SimulatorOptions } from './simulator-types.ts';
export type { ExtraModel, ModelKind } from './model-catalog.ts';
export { FaultQueue } from './fault-queue.ts';
export type { AppliedFaults, QueuedFaultView } from './fault-queue.ts';
export { FaultFormatError, parseFault } from './fault-types.ts';
export type {
  BreakFault,
  Fault,
  FaultMatch,
  LatencyFault,
  MalformedFault,
  StallFault,
  StatusFault,
  StreamFault,
} from './fault-types.ts';
export { serveSimulator } from './serve.ts';
export { maskApiKey } from './auth-check.ts';
