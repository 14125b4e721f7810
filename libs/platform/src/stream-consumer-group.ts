import type { Logger } from '@nestjs/common';
import type { RedisClient } from './redis-client';

/** An entry as a consumer group delivers it; fields are null for a pending entry MAXLEN trimmed before it was re-read. */
export interface GroupEntry {
  stream: string;
  id: string;
  fields: string[] | null;
}

export interface StreamConsumerGroupOptions {
  streams: string[];
  group: string;
  /** This process's consumer name (unique per replica). */
  consumer: string;
  batch?: number;
  blockMs?: number;
  /** Entries a crashed consumer left unacknowledged this long are claimed by claimAbandoned(). */
  claimIdleMs?: number;
}

type RawEntry = [id: string, fields: string[] | null];

/**
 * Reads streams as a consumer group (XREADGROUP, one entry to one process of the group) on a
 * connection of its own: first this consumer's own entries delivered before a crash but never
 * acknowledged, then new ones. Each read is handed on in order and acknowledged with one XACK per
 * stream once handled; a crash before that redelivers it, so handlers must be idempotent. The
 * apps' one consumer-group implementation.
 */
export class StreamConsumerGroup {
  private reader: RedisClient | null = null;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly batch: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: StreamConsumerGroupOptions,
    private readonly handle: (entries: GroupEntry[]) => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.batch = options.batch ?? 100;
    this.blockMs = options.blockMs ?? 1000;
    this.claimIdleMs = options.claimIdleMs ?? 60_000;
  }

  /** Creates the group where missing ("$": a new group starts with what arrives from now on), then reads. */
  async start(): Promise<void> {
    for (const stream of this.options.streams) {
      await this.redis.xgroup('CREATE', stream, this.options.group, '$', 'MKSTREAM').catch((error: Error) => {
        if (!error.message.includes('BUSYGROUP')) throw error;
      });
    }
    this.reader = this.redis.duplicate();
    this.running = true;
    this.loop = this.consume().catch((error: unknown) => this.logger.error({ err: error }, `Consumer group ${this.options.group} stopped`));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.reader?.disconnect();
  }

  /** Takes over and handles entries other consumers left unacknowledged for claimIdleMs (a crashed replica's). */
  async claimAbandoned(): Promise<void> {
    const { group, consumer, streams } = this.options;
    for (const stream of streams) {
      const [, entries] = (await this.redis.xautoclaim(stream, group, consumer, this.claimIdleMs, '0-0', 'COUNT', this.batch)) as [
        string,
        RawEntry[],
      ];
      await this.handleAndAck(entries.map(([id, fields]) => ({ stream, id, fields })));
    }
  }

  private async consume(): Promise<void> {
    const { group, consumer, streams } = this.options;
    let cursor = '0';
    while (this.running) {
      try {
        const reply = (await this.reader!.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          this.batch,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          ...streams,
          ...streams.map(() => cursor),
        )) as [string, RawEntry[]][] | null;
        const entries = (reply ?? []).flatMap(([stream, list]) => list.map(([id, fields]) => ({ stream, id, fields })));
        if (cursor === '0' && entries.length === 0) cursor = '>';
        await this.handleAndAck(entries);
      } catch (error) {
        if (!this.running) break;
        this.logger.error({ err: error }, `Reading consumer group ${group} failed; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** One XACK per stream per read, not per entry: acknowledging one by one took a fifth of the aggregator's CPU. */
  private async handleAndAck(entries: GroupEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.handle(entries);
    const idsByStream = new Map<string, string[]>();
    for (const { stream, id } of entries) {
      const ids = idsByStream.get(stream);
      if (ids) ids.push(id);
      else idsByStream.set(stream, [id]);
    }
    const pipeline = this.redis.pipeline();
    for (const [stream, ids] of idsByStream) pipeline.xack(stream, this.options.group, ...ids);
    await pipeline.exec();
  }
}
