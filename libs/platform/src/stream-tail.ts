import type { Logger } from '@nestjs/common';
import type { RedisTopology } from '@ioc/config';
import { createRedisClient, type RedisClient } from './redis-client';
import { compareStreamIds } from './stream-id';

export type RawStreamEntry = [id: string, fields: string[]];

const READ_COUNT = 500;
const BLOCK_MS = 1000;
/** How often the reader checks that the stream has not moved under it (a failover may resend a blocked read transparently). */
const GAP_CHECK_MS = 2000;

/**
 * Follows one Redis stream with blocking XREAD on a connection of its own (the apps' one stream
 * tail: every gateway process fans the shared streams out with it), from the entry that
 * was last when it started. It reports a possible gap instead of skipping silently when the
 * stream was trimmed past its position during an outage, or went back behind it: a replica
 * promoted by Sentinel or Cluster may lack the master's last entries (replication is asynchronous).
 */
export class StreamTail {
  private readonly connection: RedisClient;
  private lastId = '0-0';
  private firstId = '0-0';
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private waiters: { id: string; resolve: () => void }[] = [];

  constructor(
    topology: RedisTopology,
    readonly key: string,
    private readonly logger: Logger,
    private readonly onEntries: (entries: RawStreamEntry[]) => void,
    private readonly onGap: () => void = () => undefined,
  ) {
    this.connection = createRedisClient(topology, { lazyConnect: true });
  }

  /** Where reading started: entries up to it were never handed on by this reader. */
  get startId(): string {
    return this.firstId;
  }

  /** The last entry handed on (after a gap: where reading resumed). */
  get readId(): string {
    return this.lastId;
  }

  async start(): Promise<void> {
    await this.connection.connect();
    this.firstId = this.lastId = await this.lastEntryId();
    this.running = true;
    this.loop = this.readLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.connection.disconnect();
    await this.loop;
  }

  /** Resolves once every entry up to `id` has been handed on. */
  caughtUpTo(id: string): Promise<void> {
    if (compareStreamIds(this.lastId, id) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  private async lastEntryId(): Promise<string> {
    const last = (await this.connection.xrevrange(this.key, '+', '-', 'COUNT', 1)) as RawStreamEntry[];
    return last[0]?.[0] ?? '0-0';
  }

  private async readLoop(): Promise<void> {
    let failed = false;
    let checkedAt = Date.now();
    while (this.running) {
      try {
        if (failed || Date.now() - checkedAt >= GAP_CHECK_MS) {
          await this.checkForGap();
          checkedAt = Date.now();
        }
        const reply = (await this.connection.xread('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.key, this.lastId)) as
          [string, RawStreamEntry[]][] | null;
        failed = false;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        this.lastId = entries.at(-1)![0];
        this.onEntries(entries);
        this.releaseWaiters();
      } catch (error) {
        if (!this.running) return;
        failed = true;
        this.logger.warn(`Reading ${this.key} failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async checkForGap(): Promise<void> {
    if (this.lastId === '0-0') return;
    const replies = await this.connection.multi().xrange(this.key, '-', '+', 'COUNT', 1).xrevrange(this.key, '+', '-', 'COUNT', 1).exec();
    const [first, last] = (replies ?? []).map(([error, entries]) => {
      if (error) throw error;
      return entries as RawStreamEntry[];
    });
    const firstId = first?.[0]?.[0];
    const lastId = last?.[0]?.[0] ?? '0-0';
    const trimmed = firstId !== undefined && compareStreamIds(firstId, this.lastId) > 0;
    const wentBack = compareStreamIds(lastId, this.lastId) < 0;
    if (!trimmed && !wentBack) return;
    this.logger.warn(
      trimmed
        ? `Stream ${this.key} was trimmed past ${this.lastId} while unreachable; resynchronising`
        : `Stream ${this.key} ends at ${lastId}, before ${this.lastId} already read (a failover lost entries); resynchronising`,
    );
    this.lastId = lastId;
    this.releaseWaiters();
    this.onGap();
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((waiter) => compareStreamIds(this.lastId, waiter.id) >= 0);
    this.waiters = this.waiters.filter((waiter) => compareStreamIds(this.lastId, waiter.id) < 0);
    for (const waiter of ready) waiter.resolve();
  }
}
