import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { type IndicatorUpdate, SharedRedisKey, sharedRedisKey, streamKey } from '@ioc/contracts';
import { createRedisConnection } from '@ioc/queues';
import { GatewayConfig } from '../config/gateway-config';
import type { StreamPosition } from './resume-plan';
import { entryPayload, type RawStreamEntry, StreamReader } from './stream-reader';

export interface StreamEntry {
  id: string;
  update: IndicatorUpdate;
}

/** Latest values and the stream position they correspond to, read atomically. */
export interface LatestState {
  /** Id of the last stream entry at read time ("0-0" when empty). */
  position: string;
  latest: Map<string, IndicatorUpdate>;
}

const SCAN_CHUNK = 1000;

/**
 * The aggregator's indicator-updates stream (every gateway process reads it itself, so an update
 * published once reaches the clients of every process) and its latest-values hash.
 */
@Injectable()
export class IndicatorStreamService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IndicatorStreamService.name);
  private readonly streamKey: string;
  private readonly latestKey: string;
  private readonly reader: StreamReader;
  private readonly commands: Redis;
  private listener: (entries: StreamEntry[]) => void = () => undefined;
  private gapListener: () => void = () => undefined;

  constructor(config: GatewayConfig) {
    this.streamKey = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorUpdates);
    this.latestKey = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorLatest);
    this.reader = new StreamReader(
      config.REDIS_URL,
      this.streamKey,
      this.logger,
      (raw) => this.listener(this.parse(raw)),
      () => this.gapListener(),
    );
    this.commands = createRedisConnection(config.REDIS_URL, { lazyConnect: true });
  }

  /** Where this process started reading: entries up to it were never handed on. */
  get readerStartId(): string {
    return this.reader.startId;
  }

  onEntries(listener: (entries: StreamEntry[]) => void): void {
    this.listener = listener;
  }

  /** Called when entries may have been trimmed before this process read them (after a Redis outage). */
  onGap(listener: () => void): void {
    this.gapListener = listener;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.commands.connect();
    await this.reader.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reader.stop();
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  /** Latest values of the given streams and the stream position they reflect, in one MULTI. */
  async latest(keys: string[]): Promise<LatestState> {
    const multi = this.commands.multi().xrevrange(this.streamKey, '+', '-', 'COUNT', 1);
    if (keys.length > 0) multi.hmget(this.latestKey, ...keys);
    const results = (await multi.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const last = results[0][1] as RawStreamEntry[];
    const values = keys.length > 0 ? (results[1][1] as (string | null)[]) : [];
    const latest = new Map<string, IndicatorUpdate>();
    keys.forEach((key, index) => {
      const raw = values[index];
      if (raw) latest.set(key, JSON.parse(raw) as IndicatorUpdate);
    });
    return { position: last[0]?.[0] ?? '0-0', latest };
  }

  /**
   * The entries of the resuming streams up to `until` (inclusive), oldest first, read backwards
   * only as far as each stream's position (or the stream's start), so a mass reconnect after a
   * short blip reads a little of the stream, not all of it.
   */
  async entriesSince(positions: Map<string, StreamPosition>, until: string): Promise<StreamEntry[]> {
    const found: StreamEntry[] = [];
    const remaining = new Set(positions.keys());
    let end = until;
    while (remaining.size > 0) {
      const chunk = (await this.commands.xrevrange(this.streamKey, end, '-', 'COUNT', SCAN_CHUNK)) as RawStreamEntry[];
      for (const entry of this.parse(chunk)) {
        const key = streamKey(entry.update.indicatorId, entry.update.unitCode);
        const position = positions.get(key);
        if (!position || !remaining.has(key)) continue;
        found.push(entry);
        if (entry.update.epoch !== position.epoch || entry.update.seq <= position.seq) remaining.delete(key);
      }
      if (chunk.length < SCAN_CHUNK) break;
      end = `(${chunk[chunk.length - 1][0]}`;
    }
    return found.reverse();
  }

  /** Resolves once this process's reader has handed on every entry up to `id`. */
  caughtUpTo(id: string): Promise<void> {
    return this.reader.caughtUpTo(id);
  }

  private parse(raw: RawStreamEntry[]): StreamEntry[] {
    return raw.flatMap((entry) => {
      const update = entryPayload<IndicatorUpdate>(entry, this.streamKey, this.logger);
      return update ? [{ id: entry[0], update }] : [];
    });
  }
}
