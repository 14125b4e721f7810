import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { type IndicatorUpdate, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import { createRedisConnection } from '@ioc/queues';
import { GatewayConfig } from '../config/gateway-config';
import { compareStreamIds } from './stream-id';

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

type RawEntry = [id: string, fields: string[]];

const READ_COUNT = 500;
const BLOCK_MS = 1000;
const SCAN_CHUNK = 1000;

/**
 * Reads the aggregator's indicator-updates stream (every gateway process reads it itself, so
 * an update published once reaches the clients of every process) and the latest-values hash.
 */
@Injectable()
export class IndicatorStreamService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IndicatorStreamService.name);
  private readonly streamKey: string;
  private readonly latestKey: string;
  private readonly reader: Redis;
  private readonly commands: Redis;
  private listener: (entries: StreamEntry[]) => void = () => undefined;
  private gapListener: () => void = () => undefined;
  private lastId = '0-0';
  private startId = '0-0';
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private waiters: { id: string; resolve: () => void }[] = [];

  constructor(config: GatewayConfig) {
    this.streamKey = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorUpdates);
    this.latestKey = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorLatest);
    // Blocking XREAD needs a connection of its own.
    this.reader = createRedisConnection(config.REDIS_URL, { lazyConnect: true });
    this.commands = createRedisConnection(config.REDIS_URL, { lazyConnect: true });
  }

  /** Where the reader started: entries up to it were never seen by this process. */
  get readerStartId(): string {
    return this.startId;
  }

  onEntries(listener: (entries: StreamEntry[]) => void): void {
    this.listener = listener;
  }

  /** Called when entries may have been trimmed before this process read them (after a Redis outage). */
  onGap(listener: () => void): void {
    this.gapListener = listener;
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.reader.connect(), this.commands.connect()]);
    this.startId = this.lastId = await this.lastEntryId();
    this.running = true;
    this.loop = this.readLoop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.reader.disconnect();
    await this.loop;
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  /** Latest values of the given streams and the stream position they reflect, in one MULTI. */
  async latest(keys: string[]): Promise<LatestState> {
    const multi = this.commands.multi().xrevrange(this.streamKey, '+', '-', 'COUNT', 1);
    if (keys.length > 0) multi.hmget(this.latestKey, ...keys);
    const results = (await multi.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const last = results[0][1] as RawEntry[];
    const values = keys.length > 0 ? (results[1][1] as (string | null)[]) : [];
    const latest = new Map<string, IndicatorUpdate>();
    keys.forEach((key, index) => {
      const raw = values[index];
      if (raw) latest.set(key, JSON.parse(raw) as IndicatorUpdate);
    });
    return { position: last[0]?.[0] ?? '0-0', latest };
  }

  /** Every entry of the given streams up to `until` (inclusive), oldest first; bounded by the stream's MAXLEN. */
  async entriesUntil(keys: Set<string>, until: string): Promise<StreamEntry[]> {
    const found: StreamEntry[] = [];
    let start = '-';
    for (;;) {
      const chunk = (await this.commands.xrange(this.streamKey, start, until, 'COUNT', SCAN_CHUNK)) as RawEntry[];
      for (const entry of chunk) {
        const parsed = this.parse(entry);
        if (parsed && keys.has(`${parsed.update.indicatorId}:${parsed.update.unitCode}`)) found.push(parsed);
      }
      if (chunk.length < SCAN_CHUNK) return found;
      start = `(${chunk[chunk.length - 1][0]}`;
    }
  }

  /** Resolves once this process's reader has handed on every entry up to `id`. */
  caughtUpTo(id: string): Promise<void> {
    if (compareStreamIds(this.lastId, id) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  private async lastEntryId(): Promise<string> {
    const last = (await this.commands.xrevrange(this.streamKey, '+', '-', 'COUNT', 1)) as RawEntry[];
    return last[0]?.[0] ?? '0-0';
  }

  private async firstEntryId(): Promise<string | null> {
    const first = (await this.commands.xrange(this.streamKey, '-', '+', 'COUNT', 1)) as RawEntry[];
    return first[0]?.[0] ?? null;
  }

  private async readLoop(): Promise<void> {
    let failedSince: number | null = null;
    while (this.running) {
      try {
        if (failedSince !== null) await this.checkForGap();
        const reply = (await this.reader.xread('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.streamKey, this.lastId)) as
          | [string, RawEntry[]][]
          | null;
        failedSince = null;
        const raw = reply?.[0]?.[1] ?? [];
        if (raw.length === 0) continue;
        this.lastId = raw[raw.length - 1][0];
        const entries = raw.map((entry) => this.parse(entry)).filter((entry): entry is StreamEntry => entry !== null);
        this.listener(entries);
        this.releaseWaiters();
      } catch (error) {
        if (!this.running) return;
        failedSince ??= Date.now();
        this.logger.warn(`Reading ${this.streamKey} failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** After an outage the stream may have been trimmed past our position: tell the fan-out to resynchronise. */
  private async checkForGap(): Promise<void> {
    const first = await this.firstEntryId();
    if (first !== null && compareStreamIds(first, this.lastId) > 0 && this.lastId !== '0-0') {
      this.logger.warn(`Stream ${this.streamKey} was trimmed past ${this.lastId} while unreachable; resending snapshots`);
      this.lastId = await this.lastEntryId();
      this.gapListener();
    }
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((waiter) => compareStreamIds(this.lastId, waiter.id) >= 0);
    this.waiters = this.waiters.filter((waiter) => compareStreamIds(this.lastId, waiter.id) < 0);
    for (const waiter of ready) waiter.resolve();
  }

  private parse([id, fields]: RawEntry): StreamEntry | null {
    const index = fields.indexOf('u');
    try {
      if (index < 0 || index % 2 !== 0) throw new Error('no "u" field');
      return { id, update: JSON.parse(fields[index + 1]) as IndicatorUpdate };
    } catch (error) {
      this.logger.error(`Skipping malformed entry ${id} of ${this.streamKey}: ${(error as Error).message}`);
      return null;
    }
  }
}
