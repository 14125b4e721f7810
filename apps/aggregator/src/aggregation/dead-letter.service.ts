import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { runScript, type RedisClient } from '@ioc/platform';
import { QueueName, type DeadLetterEntry } from '@ioc/contracts';
import { InjectTypedQueue, REDIS_CLIENT, type TypedQueue } from '@ioc/queues';
import { AggregatorConfig } from '../config/aggregator-config';
import { aggregatorRedisKeys } from '../redis-keys';
import { AggregatorMetricsService } from '../metrics/aggregator-metrics.service';
import { COUNT_DEAD_LETTERS } from './state-scripts';

/** Refused events go to the dead-letter queue with their reasons, once each, and are counted per source. */
@Injectable()
export class DeadLetterService {
  private readonly logger = new Logger(DeadLetterService.name);
  readonly countsKey: string;
  private readonly seenKey: string;

  constructor(
    @InjectTypedQueue(QueueName.DeadLetter) private readonly queue: TypedQueue<typeof QueueName.DeadLetter>,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    config: AggregatorConfig,
    private readonly metrics: AggregatorMetricsService,
  ) {
    const keys = aggregatorRedisKeys(config.REDIS_PREFIX);
    this.countsKey = keys.deadLetterCounts;
    this.seenKey = keys.deadLettersSeen;
  }

  async refuse(entries: DeadLetterEntry[], jobId: string | undefined): Promise<void> {
    if (entries.length === 0) return;
    for (const entry of entries) this.metrics.deadLetters.inc({ source: entry.sourceId ?? 'unknown', field: entry.fields[0] ?? 'event' });
    // Same refused record, same job id: a redelivered batch adds no second dead letter.
    const ids = entries.map(
      (entry) =>
        `aggregator-${createHash('sha1')
          .update(JSON.stringify(entry.raw) ?? 'undefined')
          .digest('hex')}`,
    );
    await this.queue.addBulk(entries.map((data, index) => ({ name: 'aggregator', data, opts: { jobId: ids[index] } })));
    const counted = await runScript(
      this.redis,
      COUNT_DEAD_LETTERS,
      [this.seenKey, this.countsKey],
      ids.flatMap((id, index) => [id, entries[index]?.sourceId ?? 'unknown']),
    );
    if (counted > 0)
      this.logger.warn({ jobId, refused: counted, firstReason: entries[0]?.reason }, 'Events refused to the dead-letter queue');
  }

  async counts(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.countsKey);
    return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Number(value)]));
  }
}
