import { SharedRedisKey, STREAMS, TRACE_STREAM_FIELD } from '@ioc/contracts';
import { redisScript } from '@ioc/platform';

/** The indicator stream's payload field, from the stream contract (the script writes entries itself). */
const UPDATE_FIELD = STREAMS[SharedRedisKey.IndicatorUpdates].field;

/**
 * Applies one batch atomically. The batch comes pre-aggregated: the distinct counters it
 * touches, and groups of events with identical contributions (and local day). Each idempotency
 * key is marked seen (HSETNX); a group's increments count once per key seen for the first time;
 * the totals are written with one increment per distinct counter. Gauge readings are kept only
 * when newer; source deliveries recorded; TTLs refreshed. Atomic, so a crash before it changes
 * nothing, a redelivery after it adds nothing, and concurrent workers never interleave.
 *
 * KEYS: the deliveries hash (`<prefix>fresh`; declared so a Cluster routes the call to its slot).
 * ARGV: prefix, dedupeTtlSeconds, JSON (one argument: cheaper to send than thousands):
 *   c: [bucket, field, ...] distinct counters; g: [[seenDay, [idempotencyKey...], [counterIndex, amount, ...]], ...];
 *   q: [[bucket, field, value, order], ...] gauges; f: [field, ms, ...] deliveries; x: [key suffix, seconds, ...] TTLs.
 * Returns the number of events applied for the first time.
 */
export const APPLY_BATCH = redisScript<number>(
  'applyBatch',
  1,
  `
local p = ARGV[1]
local batch = cjson.decode(ARGV[3])
local c = batch.c
local totals = {}
local applied = 0
local seenKeys = {}
for _, group in ipairs(batch.g) do
  local seenKey = p .. 'seen:' .. group[1]
  seenKeys[seenKey] = true
  local firstTime = 0
  for _, key in ipairs(group[2]) do firstTime = firstTime + redis.call('HSETNX', seenKey, key, '1') end
  applied = applied + firstTime
  if firstTime > 0 then
    local refs = group[3]
    for r = 1, #refs, 2 do
      local index = refs[r]
      totals[index] = (totals[index] or 0) + refs[r + 1] * firstTime
    end
  end
end
for index, total in pairs(totals) do
  local key = p .. 'c:' .. c[index * 2 + 1]
  local field = c[index * 2 + 2]
  -- Integer totals take the cheap HINCRBY; a field already holding a fraction needs HINCRBYFLOAT.
  local done = false
  if total == math.floor(total) and math.abs(total) < 1e15 then
    local reply = redis.pcall('HINCRBY', key, field, string.format('%d', total))
    done = type(reply) == 'number'
  end
  if not done then redis.call('HINCRBYFLOAT', key, field, string.format('%.17g', total)) end
end
for _, g in ipairs(batch.q) do
  local orderKey = p .. 'go:' .. g[1]
  local current = redis.call('HGET', orderKey, g[2])
  if (not current) or current < g[4] then
    redis.call('HSET', orderKey, g[2], g[4])
    redis.call('HSET', p .. 'g:' .. g[1], g[2], g[3])
  end
end
local f = batch.f
for k = 1, #f, 2 do
  local current = redis.call('HGET', KEYS[1], f[k])
  if (not current) or tonumber(current) < f[k + 1] then redis.call('HSET', KEYS[1], f[k], string.format('%d', f[k + 1])) end
end
local x = batch.x
for k = 1, #x, 2 do redis.call('EXPIRE', p .. x[k], x[k + 1]) end
for key in pairs(seenKeys) do redis.call('EXPIRE', key, ARGV[2]) end
return applied
`,
);

/**
 * Publishes candidate updates atomically: a candidate whose signature equals the last published
 * one is skipped; otherwise its stream's sequence number is incremented, the JSON completed with
 * seq and epoch, stored as the stream's latest and appended to the updates stream. When the epoch
 * key is gone (Redis lost its data, sequences included) the caller's fresh epoch starts a new one.
 *
 * KEYS: updates stream, latest hash, signatures hash, sequences hash, epoch string.
 * ARGV: freshEpoch, maxlen, traceparent of the publish ('' when tracing is off; else stored as field TRACE_STREAM_FIELD),
 *   (streamKey, signature, jsonWithoutClosingBrace)*
 * Returns [updates published, 1 when a new epoch was started].
 */
export const PUBLISH_UPDATES = redisScript<[published: number, renewed: number]>(
  'publishUpdates',
  5,
  `
local epoch = redis.call('GET', KEYS[5])
local renewed = 0
if not epoch then
  renewed = 1
  epoch = ARGV[1]
  redis.call('SET', KEYS[5], epoch)
  redis.call('DEL', KEYS[3], KEYS[4])
end
local maxlen = ARGV[2]
local traceparent = ARGV[3]
local published = 0
for i = 4, #ARGV, 3 do
  local stream = ARGV[i]
  if redis.call('HGET', KEYS[3], stream) ~= ARGV[i + 1] then
    local seq = redis.call('HINCRBY', KEYS[4], stream, 1)
    local json = ARGV[i + 2] .. ',"seq":' .. seq .. ',"epoch":"' .. epoch .. '"}'
    redis.call('HSET', KEYS[3], stream, ARGV[i + 1])
    redis.call('HSET', KEYS[2], stream, json)
    if traceparent == '' then
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', '${UPDATE_FIELD}', json)
    else
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', '${UPDATE_FIELD}', json, '${TRACE_STREAM_FIELD}', traceparent)
    end
    published = published + 1
  end
end
return {published, renewed}
`,
);

/**
 * Counts dead letters once each, however often their batch is redelivered.
 * KEYS: seen hash, counts hash. ARGV: (deadLetterId, sourceId)*. Returns how many were new.
 */
export const COUNT_DEAD_LETTERS = redisScript<number>(
  'countDeadLetters',
  2,
  `
local fresh = 0
for i = 1, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], '1') == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
    redis.call('HINCRBY', KEYS[2], 'total', 1)
    fresh = fresh + 1
  end
end
return fresh
`,
);
