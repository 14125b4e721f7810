import type { IndicatorUpdate } from '@ioc/contracts';
import { compareStreamIds } from '@ioc/platform';
import { isNewer, type StreamPosition } from './resume-plan';

/**
 * The live fan-out's decisions, without sockets or timers (LiveFanoutService does the I/O):
 * per-tile throttling, the ring of recent broadcasts that lets a joining socket catch up, and
 * what to do with a socket whose buffer grows.
 */

/** What to do with a new entry of a tile: broadcast it, or keep it as the tile's pending value (arming a timer when none is). */
export type ThrottleDecision = { action: 'broadcast' } | { action: 'hold'; waitMs: number } | { action: 'replace-pending' };

/**
 * At most one broadcast per `minIntervalMs` per tile, the latest value winning: broadcast when the
 * interval has passed since the last one; else hold it until then, or, when a held value is
 * already waiting for its timer, replace that value.
 */
export function throttleTile(now: number, lastBroadcastAt: number, minIntervalMs: number, holding: boolean): ThrottleDecision {
  if (holding) return { action: 'replace-pending' };
  const waitMs = minIntervalMs - (now - lastBroadcastAt);
  return waitMs <= 0 ? { action: 'broadcast' } : { action: 'hold', waitMs };
}

export interface RingEntry {
  id: string;
  update: IndicatorUpdate;
}

/** What a socket joining a tile gets first: the broadcasts it missed, or the newest value flagged as a reset. */
export type CatchUp = { kind: 'replay'; updates: IndicatorUpdate[] } | { kind: 'reset'; newest: IndicatorUpdate };

/** The last `size` broadcasts of a tile, and the stream position before which they no longer reach. */
export class TileRing<E extends RingEntry = RingEntry> {
  private readonly entries: E[] = [];

  /** @param floorId id of the newest entry not in the ring: the ring covers everything after it. */
  constructor(
    private readonly size: number,
    private floorId: string,
  ) {}

  push(entry: E): void {
    this.entries.push(entry);
    if (this.entries.length > this.size) this.floorId = this.entries.shift()!.id;
  }

  /**
   * For a socket that holds `held` of the tile and read the stream up to `readAt`: the ring's
   * updates after `held`, or a reset with the newest when the ring no longer reaches back to
   * `readAt` (broadcasts between the read and now may have been evicted).
   */
  catchUp(held: StreamPosition | null, readAt: string): CatchUp {
    const newest = this.entries.at(-1)?.update;
    if (newest && compareStreamIds(this.floorId, readAt) > 0) return { kind: 'reset', newest };
    const updates: IndicatorUpdate[] = [];
    let position = held;
    for (const { update } of this.entries) {
      if (!isNewer(update, position)) continue;
      updates.push(update);
      position = update;
    }
    return { kind: 'replay', updates };
  }
}

export interface SocketBacklog {
  /** Bytes the WebSocket accepted that the network has not taken yet. */
  bytes: number;
  /** Packets engine.io holds for the client. */
  packets: number;
  /** When the socket was marked slow, if it is. */
  slowSince?: number;
}

export interface SlowClientLimits {
  bytes: number;
  packets: number;
  timeoutMs: number;
}

/**
 * A socket over either bound becomes slow (left out of broadcasts, given the latest values later);
 * a slow one recovers once below half of both, and is disconnected when slow for longer than the timeout.
 */
export function slowSocketAction(
  backlog: SocketBacklog,
  now: number,
  limits: SlowClientLimits,
): 'mark-slow' | 'recover' | 'disconnect' | 'keep' {
  const { bytes, packets, slowSince } = backlog;
  if (slowSince === undefined) return bytes > limits.bytes || packets > limits.packets ? 'mark-slow' : 'keep';
  if (bytes <= limits.bytes / 2 && packets <= limits.packets / 2) return 'recover';
  return now - slowSince > limits.timeoutMs ? 'disconnect' : 'keep';
}

/** Sockets that follow the same streams of one read, and those streams' entries in stream order. */
export interface ReadDelivery<E, S> {
  members: S[];
  entries: E[];
}

/**
 * How one read of the stream reaches the sockets: each socket gets, in one message, every entry of
 * the read on the streams it follows, in stream order. Sockets following the same of those streams
 * (the displays of one dashboard) form one group, so each group's message is encoded once. Under
 * load a read holds more entries and the writes per socket stay one per read instead of growing
 * with the updates.
 */
export function planReadDelivery<E extends { key: string }, S>(
  entries: readonly E[],
  membersOf: (key: string) => Iterable<S>,
): ReadDelivery<E, S>[] {
  const keys = [...new Set(entries.map((entry) => entry.key))];
  const followed = new Map<S, number[]>();
  keys.forEach((key, index) => {
    for (const member of membersOf(key)) {
      const indexes = followed.get(member);
      if (indexes) indexes.push(index);
      else followed.set(member, [index]);
    }
  });
  const groups = new Map<string, { members: S[]; keys: Set<string> }>();
  for (const [member, indexes] of followed) {
    const signature = indexes.join(',');
    const group = groups.get(signature);
    if (group) group.members.push(member);
    else groups.set(signature, { members: [member], keys: new Set(indexes.map((index) => keys[index]!)) });
  }
  return [...groups.values()].map((group) => ({ members: group.members, entries: entries.filter((entry) => group.keys.has(entry.key)) }));
}
