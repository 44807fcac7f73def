// The Redis adapter (ioredis) is imported from its own file, only where REDIS_URL is configured,
// so a single-instance gateway never loads the Redis client.
export { checkTtl, DEFAULT_MAX_ENTRY_BYTES, type Cache, type CacheBounds } from './cache.ts';
export { cacheKey, type CacheableEndpoint, type CacheKeyInput } from './cache-key.ts';
export { CACHE_HEADER, CACHE_STATUS_HEADER, isCacheable, parseCacheDirective, type CacheDirective } from './cache-policy.ts';
export { replayChatStream, type ChatReplayOptions } from './chat-stream-replay.ts';
export { MemoryCache, type MemoryCacheOptions } from './memory-cache.ts';
export { replayResponsesStream } from './responses-stream-replay.ts';
export { ResponseCache, type CachedResponse, type CachePlan, type ResponseCacheOptions } from './response-cache.ts';
export { stableJson } from './stable-json.ts';
export { openResponseCache, type ResponseCacheSettings } from './open-response-cache.ts';
export { StreamAssembler, type AssembledKind } from './stream-assembler.ts';
