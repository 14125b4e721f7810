import Redis, { type RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ workers and blocking commands: BullMQ requires
 * maxRetriesPerRequest=null so a Redis blip pauses work instead of failing it.
 */
export function createRedisConnection(redisUrl: string, options: RedisOptions = {}): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}
