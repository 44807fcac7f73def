/**
 * The Lua scripts of RedisCounters: one per Counters method, so each call is one atomic step across
 * every gateway instance. Time is Redis `TIME`, never the caller's clock, so instances whose clocks
 * disagree still share one notion of "expired" and "drained".
 *
 * Key layout under the adapter's prefix P (which carries a hash tag, e.g. `tollgate:{counters}:`, so
 * every key lives in one Redis Cluster slot and a script may touch any of them):
 * - `P k:<key>`   hash `{spent, reserved}`: one counter (a budget in one period, a concurrency slot set)
 * - `P l:<id>`    hash `{amount, keys}`: one live lease (`keys` is a JSON array of counter keys)
 * - `P leases`    sorted set of lease ids scored by expiry (ms of Redis time)
 * - `P b:<key>`   hash `{level, ts}`: one token bucket (requests or tokens per window)
 *
 * Every script receives P as ARGV[1] and the leases set as KEYS[1].
 */

/** Shared by every script: Redis time in ms, lease reaping, counter seeding, bucket draining. */
const PRELUDE = `
local P = ARGV[1]
local LEASES = KEYS[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function end_lease(id)
  local lk = P .. 'l:' .. id
  local l = redis.call('HMGET', lk, 'amount', 'keys')
  redis.call('ZREM', LEASES, id)
  if not l[1] then return false end
  redis.call('DEL', lk)
  local amount = tonumber(l[1])
  for _, key in ipairs(cjson.decode(l[2])) do
    local ck = P .. 'k:' .. key
    if redis.call('EXISTS', ck) == 1 then redis.call('HINCRBY', ck, 'reserved', -amount) end
  end
  return true
end
local function reap(now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, 100)) do end_lease(id) end
end
local function seed(ck, base, expire_at, now)
  local created = redis.call('HSETNX', ck, 'spent', base) == 1
  redis.call('HSETNX', ck, 'reserved', 0)
  if expire_at == '' then
    redis.call('PERSIST', ck)
  elseif created then
    redis.call('PEXPIREAT', ck, expire_at)
  else
    local ttl = redis.call('PTTL', ck)
    if ttl >= 0 and tonumber(expire_at) > now + ttl then redis.call('PEXPIREAT', ck, expire_at) end
  end
end
local function level_of(bk, limit, window, now)
  local v = redis.call('HMGET', bk, 'level', 'ts')
  if not v[1] then return 0 end
  local elapsed = now - tonumber(v[2])
  if elapsed < 0 then elapsed = 0 end
  local level = tonumber(v[1]) - elapsed * limit / window
  if level < 0 then return 0 end
  return level
end
local function set_level(bk, level, limit, window, now)
  local reset = math.ceil(level * window / limit)
  if level > 0 then
    redis.call('HSET', bk, 'level', string.format('%.17g', level), 'ts', now)
    redis.call('PEXPIRE', bk, reset + 1000)
  else
    redis.call('DEL', bk)
  end
end
local function remaining(level, limit)
  local r = math.floor(limit - level)
  if r < 0 then return 0 end
  return r
end
`;

/**
 * reserve. ARGV: P, amount, ttlMs, leaseId, then per entry: key, limit, base, expireAt ('' = none).
 * Returns {1, expiresAt} or {0, index, spent, reserved} for the first entry without room (1-based).
 */
export const RESERVE = `${PRELUDE}
local now = now_ms()
reap(now)
local amount = tonumber(ARGV[2])
local n = (#ARGV - 4) / 4
for i = 0, n - 1 do
  local b = 5 + i * 4
  local v = redis.call('HMGET', P .. 'k:' .. ARGV[b], 'spent', 'reserved')
  local spent = tonumber(v[1]) or tonumber(ARGV[b + 2])
  local reserved = tonumber(v[2]) or 0
  local limit = tonumber(ARGV[b + 1])
  local committed = spent + reserved
  if committed + amount > limit or committed >= limit then return {0, i + 1, spent, reserved} end
end
local keys = {}
for i = 0, n - 1 do
  local b = 5 + i * 4
  local ck = P .. 'k:' .. ARGV[b]
  seed(ck, ARGV[b + 2], ARGV[b + 3], now)
  redis.call('HINCRBY', ck, 'reserved', ARGV[2])
  keys[#keys + 1] = ARGV[b]
end
local expires = now + tonumber(ARGV[3])
redis.call('HSET', P .. 'l:' .. ARGV[4], 'amount', ARGV[2], 'keys', cjson.encode(keys))
redis.call('ZADD', LEASES, expires, ARGV[4])
return {1, expires}
`;

/**
 * settle. ARGV: P, leaseId, actual, then per entry: key, base, expireAt.
 * Returns {leaseLive (0|1), spent1, reserved1, spent2, reserved2, …}.
 */
export const SETTLE = `${PRELUDE}
local now = now_ms()
reap(now)
local out = {0}
if end_lease(ARGV[2]) then out[1] = 1 end
for b = 4, #ARGV, 3 do
  local ck = P .. 'k:' .. ARGV[b]
  seed(ck, ARGV[b + 1], ARGV[b + 2], now)
  out[#out + 1] = redis.call('HINCRBY', ck, 'spent', ARGV[3])
  out[#out + 1] = tonumber(redis.call('HGET', ck, 'reserved'))
end
return out
`;

/** release. ARGV: P, leaseId. Returns 1 when the lease was live. */
export const RELEASE = `${PRELUDE}
reap(now_ms())
if end_lease(ARGV[2]) then return 1 end
return 0
`;

/** renew. ARGV: P, leaseId, ttlMs. Returns 1 when the lease was live. */
export const RENEW = `${PRELUDE}
local now = now_ms()
reap(now)
if not redis.call('ZSCORE', LEASES, ARGV[2]) then return 0 end
redis.call('ZADD', LEASES, 'XX', now + tonumber(ARGV[3]), ARGV[2])
return 1
`;

/** usage. ARGV: P, then per entry: key, base. Returns {spent1, reserved1, …}. */
export const USAGE = `${PRELUDE}
reap(now_ms())
local out = {}
for b = 2, #ARGV, 2 do
  local v = redis.call('HMGET', P .. 'k:' .. ARGV[b], 'spent', 'reserved')
  out[#out + 1] = tonumber(v[1]) or tonumber(ARGV[b + 1])
  out[#out + 1] = tonumber(v[2]) or 0
end
return out
`;

/**
 * take. ARGV: P, then per bucket: key, limit, windowMs, amount.
 * Returns {ok (0|1), refusedIndex (1-based, 0 if ok), retryAfterMs, remaining1, resetMs1, …}.
 */
export const TAKE = `${PRELUDE}
local now = now_ms()
local levels = {}
local refused = 0
local wait = 0
for b = 2, #ARGV, 4 do
  local limit = tonumber(ARGV[b + 1])
  local window = tonumber(ARGV[b + 2])
  local amount = tonumber(ARGV[b + 3])
  local level = level_of(P .. 'b:' .. ARGV[b], limit, window, now)
  levels[#levels + 1] = level
  if refused == 0 and (level + amount > limit or level >= limit) then
    refused = #levels
    if amount > limit then wait = -1 else
      wait = math.ceil((level + amount - limit) * window / limit)
      if wait < 1 then wait = 1 end
    end
  end
end
local out = {1, 0, 0}
if refused > 0 then out = {0, refused, wait} end
local i = 0
for b = 2, #ARGV, 4 do
  i = i + 1
  local limit = tonumber(ARGV[b + 1])
  local window = tonumber(ARGV[b + 2])
  local level = levels[i]
  if refused == 0 then
    level = level + tonumber(ARGV[b + 3])
    set_level(P .. 'b:' .. ARGV[b], level, limit, window, now)
  end
  out[#out + 1] = remaining(level, limit)
  out[#out + 1] = math.ceil(level * window / limit)
end
return out
`;

/** adjust. ARGV: P, then per bucket: key, limit, windowMs, delta. Returns {remaining1, resetMs1, …}. */
export const ADJUST = `${PRELUDE}
local now = now_ms()
local out = {}
for b = 2, #ARGV, 4 do
  local limit = tonumber(ARGV[b + 1])
  local window = tonumber(ARGV[b + 2])
  local level = level_of(P .. 'b:' .. ARGV[b], limit, window, now) + tonumber(ARGV[b + 3])
  if level < 0 then level = 0 end
  set_level(P .. 'b:' .. ARGV[b], level, limit, window, now)
  out[#out + 1] = remaining(level, limit)
  out[#out + 1] = math.ceil(level * window / limit)
end
return out
`;
