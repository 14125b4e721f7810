import { Inject, Injectable } from '@nestjs/common';
import { type RedisClient } from '@ioc/platform';
import type { TraceCarrier } from '@ioc/contracts';
import { REDIS_CLIENT } from '@ioc/queues';
import { AggregatorConfig } from '../config/aggregator-config';
import { aggregatorRedisKeys } from '../redis-keys';

/** Batches linked from one publish span at most; older ones are dropped, never blocking a publish. */
const MAX_LINKED_BATCHES = 64;

/**
 * Hands the trace of each applied batch to the next publish, which may run in another aggregator
 * process: the publish span continues the oldest batch's trace and links the others, so a trace
 * runs from a pull or push to the gateways' emit. Only used when tracing is on.
 */
@Injectable()
export class BatchTracesService {
  private readonly key: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    config: AggregatorConfig,
  ) {
    this.key = aggregatorRedisKeys(config.REDIS_PREFIX).batchTraces;
  }

  async note(carrier: TraceCarrier | undefined): Promise<void> {
    if (!carrier) return;
    await this.redis
      .multi()
      .lpush(this.key, JSON.stringify(carrier))
      .ltrim(this.key, 0, MAX_LINKED_BATCHES - 1)
      .exec();
  }

  /** The batches applied since the last call, oldest first. */
  async take(): Promise<TraceCarrier[]> {
    const [[, entries]] = ((await this.redis.multi().lrange(this.key, 0, -1).del(this.key).exec()) ?? [[null, []]]) as [
      [Error | null, string[]],
    ];
    return entries.reverse().map((entry) => JSON.parse(entry) as TraceCarrier);
  }
}
