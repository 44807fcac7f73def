// The Redis adapter (ioredis) is imported from its own file, only where REDIS_URL is configured,
// so a single-instance gateway never loads the Redis client.
export {
  DEFAULT_LEASE_TTL_MS,
  type BucketAdjust,
  type BucketSpec,
  type BucketState,
  type BucketTake,
  type CounterEntry,
  type CounterUsage,
  type Counters,
  type ReserveOptions,
  type ReserveResult,
  type SettleResult,
  type TakeResult,
} from './counters.ts';
export { MemoryCounters, type MemoryCountersOptions } from './memory-counters.ts';
