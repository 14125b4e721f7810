import type { IndicatorUpdate } from '@ioc/contracts';
import { compareStreamIds } from '@ioc/platform';
import type { StreamPosition } from './resume-plan';

export interface RecentEntry {
  id: string;
  update: IndicatorUpdate;
}

/**
 * The last `capacity` entries this process read from the indicator stream, per stream key, so a
 * mass reconnect after a blip is served from memory instead of every batch re-reading and
 * re-parsing the stream. Complete for each stream after `floorId` (the newest entry evicted, or
 * where reading started): what it cannot prove complete, it leaves to a read of Redis.
 */
export class RecentEntries<E extends RecentEntry = RecentEntry> {
  private readonly byKey = new Map<string, E[]>();
  /** Keys in arrival order, for eviction of the oldest entry overall. */
  private readonly order: string[] = [];
  private head = 0;
  private floorId: string;

  constructor(
    private readonly capacity: number,
    startId: string,
  ) {
    this.floorId = startId;
  }

  add(key: string, entry: E): void {
    const list = this.byKey.get(key);
    if (list) list.push(entry);
    else this.byKey.set(key, [entry]);
    this.order.push(key);
    if (this.order.length - this.head > this.capacity) this.evictOldest();
  }

  /** After a possible gap in reading: nothing before `id` can be vouched for any more. */
  restart(id: string): void {
    this.byKey.clear();
    this.order.length = 0;
    this.head = 0;
    this.floorId = id;
  }

  /**
   * The entries of `key` up to `until`, newest first, down to and including the first that reaches
   * every position: the entry right after it (sequence numbers have no holes within an epoch), its
   * own, an older one, or one of another epoch. Undefined when memory does not reach that far.
   */
  scanBack(key: string, positions: readonly StreamPosition[], until: string): E[] | undefined {
    const list = this.byKey.get(key) ?? [];
    const found: E[] = [];
    let open = positions;
    for (let i = list.length - 1; i >= 0; i -= 1) {
      const entry = list[i]!;
      if (compareStreamIds(entry.id, until) > 0) continue;
      found.push(entry);
      open = open.filter((position) => entry.update.epoch === position.epoch && entry.update.seq > position.seq + 1);
      if (open.length === 0) return found;
    }
    // Ran out: complete only if nothing of this stream was ever evicted and reading began at the stream's start.
    return this.floorId === '0-0' ? found : undefined;
  }

  private evictOldest(): void {
    const key = this.order[this.head]!;
    this.head += 1;
    const list = this.byKey.get(key)!;
    const evicted = list.shift()!;
    if (list.length === 0) this.byKey.delete(key);
    this.floorId = evicted.id;
    // Compact the arrival log now and then instead of shifting it on every eviction.
    if (this.head > this.capacity) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}
