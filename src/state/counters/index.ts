export {
  DEFAULT_LEASE_TTL_MS,
  type CounterEntry,
  type CounterUsage,
  type Counters,
  type ReserveOptions,
  type ReserveResult,
  type SettleResult,
} from './counters.ts';
export { MemoryCounters, type MemoryCountersOptions } from './memory-counters.ts';
