import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { createRedisClient, type RedisClient, type RawStreamEntry, StreamTail } from '@ioc/platform';
import { redisTopologyOf } from '@ioc/config';
import { type IndicatorUpdate, SharedRedisKey, sharedRedisKey, streamKey, type TraceCarrier, TRACE_STREAM_FIELD } from '@ioc/contracts';
import { sharedLoader } from '../common/shared-loader';
import { GatewayConfig } from '../config/gateway-config';
import { RecentEntries } from './recent-entries';
import type { StreamPosition } from './resume-plan';
import { entryField, entryPayload } from './stream-entries';

export interface StreamEntry {
  id: string;
  update: IndicatorUpdate;
  /** The aggregator's publish span, when tracing is on. */
  trace?: TraceCarrier;
}

/** Latest values and the stream position they correspond to, read atomically. */
export interface LatestState {
  /** Id of the last stream entry at read time ("0-0" when empty). */
  position: string;
  latest: Map<string, IndicatorUpdate>;
}

/** What one subscription asks for: the latest values of `keys`, and the entries after `positions` of those resuming. */
export interface ResumeRequest {
  keys: string[];
  positions: Map<string, StreamPosition>;
}

/** Latest values of the request's streams, the position they reflect, and each resuming stream's entries up to it, oldest first. */
export interface ResumeState extends LatestState {
  entries: Map<string, StreamEntry[]>;
}

const SCAN_CHUNK = 1000;
/** Entries kept in memory for resumes (about 100 s of a busy province's updates, some 12 MB). */
const RECENT_ENTRIES = 20_000;
/**
 * Subscriptions arriving together share one read of the latest values and one backward scan of
 * the stream. While one read runs the next requests gather; a batch holds at most this many.
 */
const RESUME_BATCH = { concurrency: 1, maxBatchSize: 500, spacingMs: 10 };

/**
 * The aggregator's indicator-updates stream (every gateway process reads it itself, so an update
 * published once reaches the clients of every process) and its latest-values hash.
 */
@Injectable()
export class IndicatorStreamService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IndicatorStreamService.name);
  private readonly streamKey: string;
  private readonly latestKey: string;
  private readonly reader: StreamTail;
  private readonly commands: RedisClient;
  private readonly resumes: DataLoader<ResumeRequest, ResumeState>;
  private readonly recent = new RecentEntries<StreamEntry>(RECENT_ENTRIES, '0-0');
  private listener: (entries: StreamEntry[]) => void = () => undefined;
  private gapListener: () => void = () => undefined;

  constructor(config: GatewayConfig) {
    this.streamKey = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorUpdates);
    this.latestKey = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorLatest);
    this.reader = new StreamTail(
      redisTopologyOf(config),
      this.streamKey,
      this.logger,
      (raw) => this.listener(this.remember(this.parse(raw))),
      () => {
        this.recent.restart(this.reader.readId);
        this.gapListener();
      },
    );
    this.commands = createRedisClient(redisTopologyOf(config), { lazyConnect: true });
    this.resumes = sharedLoader((requests) => this.resumeBatch(requests), RESUME_BATCH);
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
    this.recent.restart(this.reader.startId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.reader.stop();
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  /** Latest values of the given streams and the stream position they reflect, in one MULTI. */
  async latest(keys: string[]): Promise<LatestState> {
    const multi = this.commands.multi().xrevrange(this.streamKey, '+', '-', 'COUNT', 1);
    if (keys.length > 0) multi.hmget(this.latestKey, ...keys);
    const results = (await multi.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const last = (results[0]?.[1] ?? []) as RawStreamEntry[];
    const values = keys.length > 0 ? ((results[1]?.[1] ?? []) as (string | null)[]) : [];
    const latest = new Map<string, IndicatorUpdate>();
    keys.forEach((key, index) => {
      const raw = values[index];
      if (raw) latest.set(key, JSON.parse(raw) as IndicatorUpdate);
    });
    return { position: last[0]?.[0] ?? '0-0', latest };
  }

  /**
   * What a subscription needs to be served without a gap: the latest values of its streams and,
   * for each stream it resumes, the entries after its position up to the state read, once this
   * process's reader has handed those on. Shared with the subscriptions arriving at the same time.
   */
  resumeState(request: ResumeRequest): Promise<ResumeState> {
    return this.resumes.load(request);
  }

  private async resumeBatch(requests: readonly ResumeRequest[]): Promise<ResumeState[]> {
    const state = await this.latest([...new Set(requests.flatMap((request) => request.keys))]);
    const wanted = new Map<string, StreamPosition[]>();
    for (const request of requests) {
      for (const [key, position] of request.positions) {
        // Up to date, ahead, or of another epoch: planResume needs no entries (nothing to replay, or a reset).
        const latest = state.latest.get(key);
        if (!latest || latest.epoch !== position.epoch || latest.seq <= position.seq) continue;
        const list = wanted.get(key) ?? [];
        if (!list.some((other) => other.epoch === position.epoch && other.seq === position.seq)) list.push(position);
        wanted.set(key, list);
      }
    }
    await this.caughtUpTo(state.position);
    // Served from what this process has read where that reaches back far enough; the rest from Redis.
    const entries = new Map<string, StreamEntry[]>();
    const unread = new Map<string, StreamPosition[]>();
    for (const [key, positions] of wanted) {
      const remembered = this.recent.scanBack(key, positions, state.position);
      if (remembered) entries.set(key, remembered.reverse());
      else unread.set(key, positions);
    }
    if (unread.size > 0) for (const [key, list] of await this.entriesSince(unread, state.position)) entries.set(key, list);
    return requests.map((request) => ({
      position: state.position,
      latest: new Map(request.keys.flatMap((key) => (state.latest.has(key) ? [[key, state.latest.get(key)!] as const] : []))),
      entries: new Map([...request.positions.keys()].map((key) => [key, entries.get(key) ?? []])),
    }));
  }

  /**
   * The entries of the wanted streams up to `until` (inclusive), per stream and oldest first, read
   * backwards only as far as each stream's oldest wanted position (or the stream's start), so a
   * mass reconnect after a short blip reads a little of the stream, once.
   */
  private async entriesSince(wanted: Map<string, StreamPosition[]>, until: string): Promise<Map<string, StreamEntry[]>> {
    const found = new Map<string, StreamEntry[]>();
    const remaining = new Map([...wanted].map(([key, positions]) => [key, [...positions]]));
    let end = until;
    while (remaining.size > 0) {
      const chunk = (await this.commands.xrevrange(this.streamKey, end, '-', 'COUNT', SCAN_CHUNK)) as RawStreamEntry[];
      for (const entry of this.parse(chunk)) {
        const key = streamKey(entry.update.indicatorId, entry.update.unitCode);
        const open = remaining.get(key);
        if (!open) continue;
        const list = found.get(key) ?? [];
        if (list.length === 0) found.set(key, list);
        list.push(entry);
        // A position is reached at its own entry, an older one, or an entry of another epoch.
        const still = open.filter((position) => entry.update.epoch === position.epoch && entry.update.seq > position.seq);
        if (still.length > 0) remaining.set(key, still);
        else remaining.delete(key);
      }
      if (chunk.length < SCAN_CHUNK) break;
      end = `(${chunk.at(-1)![0]}`;
    }
    for (const list of found.values()) list.reverse();
    return found;
  }

  /** Resolves once this process's reader has handed on every entry up to `id`. */
  caughtUpTo(id: string): Promise<void> {
    return this.reader.caughtUpTo(id);
  }

  private remember(entries: StreamEntry[]): StreamEntry[] {
    for (const entry of entries) this.recent.add(streamKey(entry.update.indicatorId, entry.update.unitCode), entry);
    return entries;
  }

  private parse(raw: RawStreamEntry[]): StreamEntry[] {
    return raw.flatMap((entry) => {
      const update = entryPayload(SharedRedisKey.IndicatorUpdates, entry, this.streamKey, this.logger);
      if (!update) return [];
      const traceparent = entryField(entry, TRACE_STREAM_FIELD);
      return [traceparent ? { id: entry[0], update, trace: { traceparent } } : { id: entry[0], update }];
    });
  }
}
