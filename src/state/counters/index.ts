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
export { connectRedisCounters, RedisCounters, type RedisConnectOptions, type RedisCountersOptions } from './redis-counters.ts';
