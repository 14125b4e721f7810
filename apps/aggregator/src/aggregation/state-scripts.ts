/**
 * Applies one batch atomically: per group of events with identical contributions, marks each
 * idempotency key seen (HSETNX) and adds the group's increments once per key seen for the first
 * time; offers gauge readings (kept only when newer); records source deliveries; refreshes TTLs.
 * Atomic, so a crash before it changes nothing and a redelivery after it adds nothing, and
 * concurrent workers never interleave on a counter.
 *
 * ARGV: prefix, dedupeTtlSeconds,
 *   groupCount, per group: eventCount, (seenDay, idempotencyKey)*, opCount, (bucket, field, amount)*,
 *   gaugeCount, (bucket, field, value, order)*,
 *   freshCount, (field, ms)*,
 *   expireCount, (key suffix, seconds)*
 * Returns the number of events applied for the first time.
 */
export const APPLY_BATCH_LUA = `
local p = ARGV[1]
local dedupeTtl = tonumber(ARGV[2])
local i = 3
local applied = 0
local seenKeys = {}
local groups = tonumber(ARGV[i]); i = i + 1
for g = 1, groups do
  local n = tonumber(ARGV[i]); i = i + 1
  local firstTime = 0
  for e = 1, n do
    local seenKey = p .. 'seen:' .. ARGV[i]
    seenKeys[seenKey] = true
    firstTime = firstTime + redis.call('HSETNX', seenKey, ARGV[i + 1], '1')
    i = i + 2
  end
  applied = applied + firstTime
  local ops = tonumber(ARGV[i]); i = i + 1
  if firstTime > 0 then
    for o = 1, ops do
      local amount = ARGV[i + 2]
      if firstTime > 1 then amount = tostring(tonumber(amount) * firstTime) end
      redis.call('HINCRBYFLOAT', p .. 'c:' .. ARGV[i], ARGV[i + 1], amount)
      i = i + 3
    end
  else
    i = i + ops * 3
  end
end
local gauges = tonumber(ARGV[i]); i = i + 1
for k = 1, gauges do
  local orderKey = p .. 'go:' .. ARGV[i]
  local current = redis.call('HGET', orderKey, ARGV[i + 1])
  if (not current) or current < ARGV[i + 3] then
    redis.call('HSET', orderKey, ARGV[i + 1], ARGV[i + 3])
    redis.call('HSET', p .. 'g:' .. ARGV[i], ARGV[i + 1], ARGV[i + 2])
  end
  i = i + 4
end
local fresh = tonumber(ARGV[i]); i = i + 1
for k = 1, fresh do
  local current = redis.call('HGET', p .. 'fresh', ARGV[i])
  if (not current) or tonumber(current) < tonumber(ARGV[i + 1]) then redis.call('HSET', p .. 'fresh', ARGV[i], ARGV[i + 1]) end
  i = i + 2
end
local expires = tonumber(ARGV[i]); i = i + 1
for k = 1, expires do
  redis.call('EXPIRE', p .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
for key in pairs(seenKeys) do redis.call('EXPIRE', key, dedupeTtl) end
return applied
`;

/**
 * Publishes candidate updates atomically: a candidate whose signature equals the last published
 * one is skipped; otherwise its stream's sequence number is incremented, the JSON completed with
 * seq and epoch, stored as the stream's latest and appended to the updates stream.
 *
 * KEYS: updates stream, latest hash, signatures hash, sequences hash.
 * ARGV: epoch, maxlen, (streamKey, signature, jsonWithoutClosingBrace)*
 * Returns the number of updates published.
 */
export const PUBLISH_UPDATES_LUA = `
local epoch = ARGV[1]
local maxlen = ARGV[2]
local published = 0
for i = 3, #ARGV, 3 do
  local stream = ARGV[i]
  if redis.call('HGET', KEYS[3], stream) ~= ARGV[i + 1] then
    local seq = redis.call('HINCRBY', KEYS[4], stream, 1)
    local json = ARGV[i + 2] .. ',"seq":' .. seq .. ',"epoch":"' .. epoch .. '"}'
    redis.call('HSET', KEYS[3], stream, ARGV[i + 1])
    redis.call('HSET', KEYS[2], stream, json)
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', 'u', json)
    published = published + 1
  end
end
return published
`;

/**
 * Counts dead letters once each, however often their batch is redelivered.
 * KEYS: seen hash, counts hash. ARGV: (deadLetterId, sourceId)*. Returns how many were new.
 */
export const COUNT_DEAD_LETTERS_LUA = `
local fresh = 0
for i = 1, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], '1') == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
    redis.call('HINCRBY', KEYS[2], 'total', 1)
    fresh = fresh + 1
  end
end
return fresh
`;
