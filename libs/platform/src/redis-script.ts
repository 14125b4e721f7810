import type { RedisClient } from './redis-client';

/** A Lua script declared once: its command name, how many of its arguments are keys, and its result type. */
export interface RedisScript<TResult> {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
  /** Type only: what the script returns. */
  readonly result?: TResult;
}

export const redisScript = <TResult>(name: string, numberOfKeys: number, lua: string): RedisScript<TResult> => ({
  name,
  numberOfKeys,
  lua,
});

/**
 * Runs a script through ioredis' defineCommand (EVALSHA, EVAL when Redis does not know it yet),
 * defined on the connection the first time. The keys are declared, so a Cluster routes the call
 * to their slot.
 */
function defineOnce(redis: RedisClient, script: RedisScript<unknown>, keys: readonly string[]): void {
  if (keys.length !== script.numberOfKeys) throw new Error(`script ${script.name} takes ${script.numberOfKeys} keys, not ${keys.length}`);
  if (!(script.name in redis)) redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
}

export function runScript<TResult>(
  redis: RedisClient,
  script: RedisScript<TResult>,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<TResult> {
  defineOnce(redis, script, keys);
  const command = (redis as unknown as Record<string, (...values: (string | number)[]) => Promise<TResult>>)[script.name]!;
  return command.call(redis, ...keys, ...args);
}

/**
 * Runs several calls of one script in one round trip (a pipeline, so on a Cluster all their keys
 * must share one slot); the results in call order, or the first call's error.
 */
export async function runScriptBatch<TResult>(
  redis: RedisClient,
  script: RedisScript<TResult>,
  calls: readonly { keys: readonly string[]; args: readonly (string | number)[] }[],
): Promise<TResult[]> {
  if (calls.length === 0) return [];
  for (const { keys } of calls) defineOnce(redis, script, keys);
  const pipeline = redis.pipeline();
  for (const { keys, args } of calls) {
    (pipeline as unknown as Record<string, (...values: (string | number)[]) => unknown>)[script.name]!.call(pipeline, ...keys, ...args);
  }
  return ((await pipeline.exec()) ?? []).map(([error, result]) => {
    if (error) throw error;
    return result as TResult;
  });
}
