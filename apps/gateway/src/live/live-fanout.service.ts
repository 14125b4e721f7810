import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type DashboardChangeMessage, dashboardRoom, type IndicatorUpdate, streamKey } from '@ioc/contracts';
import { inSpanSync, PeriodicTask, SpanKind } from '@ioc/platform';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayMetricsService } from '../metrics/gateway-metrics.service';
import { IndicatorStreamService, type StreamEntry } from './indicator-stream.service';
import { type LiveNamespace, type LiveSocket, SLOW_ROOM, tileRoom } from './live-socket';
import type { StreamPosition } from './resume-plan';
import { planReadDelivery, slowSocketAction, throttleTile, TileRing } from './tile-fanout-plan';

/** Recent broadcasts kept per stream so a socket joining mid-flight can catch up without a gap. */
const RING_SIZE = 16;
const SLOW_SWEEP_MS = 250;

/** Packets engine.io holds for the client (long-polling, or a busy transport); typed private, public at runtime. */
const queuedPackets = (socket: LiveSocket): number => (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
/** Bytes the WebSocket has accepted but the network has not taken yet (ws bufferedAmount). */
const bufferedBytes = (socket: LiveSocket): number =>
  (socket.conn.transport as unknown as { socket?: { bufferedAmount?: number } }).socket?.bufferedAmount ?? 0;
const SLOW_PACKETS = 500;

interface DueEntry {
  key: string;
  tile: TileState;
  entry: StreamEntry;
}

interface TileState {
  ring: TileRing<StreamEntry>;
  lastEmitAt: number;
  pending?: StreamEntry;
  timer?: NodeJS.Timeout;
}

/**
 * Fans stream entries out to the sockets of this process: one room per stream, at most
 * LIVE_MAX_UPDATES_PER_TILE_PER_S per stream (latest value wins), and slow sockets left out of
 * broadcasts and given only the latest value per stream once their buffer drains.
 */
@Injectable()
export class LiveFanoutService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveFanoutService.name);
  private readonly tiles = new Map<string, TileState>();
  /** Interned key and room name of each stream a socket here follows (see namesOf). */
  private readonly streamNames = new Map<string, { key: string; room: string }>();
  private readonly minIntervalMs: number;
  private namespace?: LiveNamespace;
  private readonly sweep: PeriodicTask;

  constructor(
    private readonly stream: IndicatorStreamService,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetricsService,
  ) {
    this.minIntervalMs = config.LIVE_MAX_UPDATES_PER_TILE_PER_S > 0 ? 1000 / config.LIVE_MAX_UPDATES_PER_TILE_PER_S : 0;
    this.sweep = new PeriodicTask('Slow-client sweep', SLOW_SWEEP_MS, async () => this.markSlowSockets(), this.logger, { unref: true });
  }

  onModuleInit(): void {
    this.stream.onEntries((entries) => this.acceptRead(entries));
    this.stream.onGap(() => void this.resendSnapshots());
  }

  bind(namespace: LiveNamespace): void {
    this.namespace = namespace;
    this.sweep.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweep.stop();
    for (const tile of this.tiles.values()) clearTimeout(tile.timer);
  }

  /**
   * Synchronously (no await between the caller's last read and the join): sends the socket what
   * this process broadcast for `key` after the client's position, then joins the stream's room.
   * Returns 'reset' when the ring no longer reaches back to `readAt`.
   */
  attach(socket: LiveSocket, key: string, held: StreamPosition | null, readAt: string): IndicatorUpdate | 'ok' {
    const catchUp = this.tiles.get(key)?.ring.catchUp(held, readAt) ?? { kind: 'replay', updates: [] };
    if (catchUp.kind === 'replay') for (const update of catchUp.updates) socket.emit('update', update);
    const names = this.namesOf(key);
    socket.data.tiles.add(names.key);
    void socket.join(names.room);
    return catchUp.kind === 'reset' ? catchUp.newest : 'ok';
  }

  /**
   * One copy of each stream's key and room name, shared by every socket that follows it: a socket
   * keeps both in its own sets, which otherwise held two fresh strings per tile per display (a
   * dashboard of 20 tiles: about 1.5 KB each). Bounded by the streams there are.
   */
  private namesOf(key: string): { key: string; room: string } {
    let names = this.streamNames.get(key);
    if (!names) {
      names = { key, room: tileRoom(key) };
      this.streamNames.set(key, names);
    }
    return names;
  }

  /** Sockets of this process currently receiving latest values only (a metric). */
  get slowSockets(): number {
    return this.namespace?.adapter.rooms.get(SLOW_ROOM)?.size ?? 0;
  }

  /** Tells every display of the dashboard, on every gateway process (through the adapter), that it changed. */
  notifyDashboardChange(change: DashboardChangeMessage): void {
    this.namespace?.to(dashboardRoom(change.slug)).emit('dashboard', change);
  }

  detach(socket: LiveSocket, key: string): void {
    socket.data.tiles.delete(key);
    socket.data.pending.delete(key);
    void socket.leave(tileRoom(key));
  }

  /** One read of the stream: each entry throttled per tile; what is due now goes out as one message per socket. */
  private acceptRead(entries: StreamEntry[]): void {
    const due: DueEntry[] = [];
    for (const entry of entries) {
      const key = streamKey(entry.update.indicatorId, entry.update.unitCode);
      const tile = this.tileOf(key);
      const now = Date.now();
      const decision = throttleTile(now, tile.lastEmitAt, this.minIntervalMs, tile.timer !== undefined);
      if (decision.action === 'broadcast') {
        tile.lastEmitAt = now;
        due.push({ key, tile, entry });
        continue;
      }
      tile.pending = entry;
      if (decision.action === 'hold') {
        const state = tile;
        state.timer = setTimeout(() => {
          state.timer = undefined;
          const latest = state.pending;
          state.pending = undefined;
          if (latest) {
            state.lastEmitAt = Date.now();
            this.deliver([{ key, tile: state, entry: latest }]);
          }
        }, decision.waitMs);
      }
    }
    if (due.length > 0) this.deliver(due);
  }

  private tileOf(key: string): TileState {
    let tile = this.tiles.get(key);
    if (!tile) {
      tile = { ring: new TileRing<StreamEntry>(RING_SIZE, this.stream.readerStartId), lastEmitAt: 0 };
      this.tiles.set(key, tile);
    }
    return tile;
  }

  /**
   * Sends entries due now, synchronously (attach relies on it): each socket gets the ones on its
   * streams in one message, `update` for one and `updates` for several; slow sockets keep the
   * latest per stream instead. A traced entry goes out on its own, inside its span.
   */
  private deliver(due: DueEntry[]): void {
    for (const { tile, entry } of due) tile.ring.push(entry);
    const namespace = this.namespace;
    if (!namespace) return;
    const rooms = namespace.adapter.rooms;
    const slow = rooms.get(SLOW_ROOM);
    // Most of a read is often streams nobody here follows; one followed entry is a plain room broadcast.
    const followed = due.filter(({ key }) => (rooms.get(tileRoom(key))?.size ?? 0) > 0);
    if (due.some(({ entry }) => entry.trace)) {
      for (const { key, entry } of due) this.broadcastOne(namespace, key, entry);
    } else if (followed.length === 1) {
      this.broadcastOne(namespace, followed[0]!.key, followed[0]!.entry);
    } else if (followed.length > 1) {
      const followers = (key: string): string[] => [...(rooms.get(tileRoom(key)) ?? [])].filter((id) => !slow?.has(id));
      for (const group of planReadDelivery(followed, followers)) {
        const updates = group.entries.map(({ entry }) => entry.update);
        const to = namespace.local.to(group.members);
        if (updates.length === 1) to.emit('update', updates[0]!);
        else to.emit('updates', updates);
      }
    }
    for (const id of slow ?? []) {
      const socket = namespace.sockets.get(id);
      for (const { key, entry } of due) if (socket?.data.tiles.has(key)) socket.data.pending.set(key, entry.update);
    }
  }

  private broadcastOne(namespace: LiveNamespace, key: string, entry: StreamEntry): void {
    const room = tileRoom(key);
    const emit = () => namespace.local.to(room).except(SLOW_ROOM).emit('update', entry.update);
    if (entry.trace) {
      const attributes = { 'ioc.stream_key': key, 'ioc.room_size': namespace.adapter.rooms.get(room)?.size ?? 0 };
      inSpanSync('live.emit', { kind: SpanKind.PRODUCER, parent: entry.trace, attributes }, emit);
    } else emit();
  }

  /** Sockets over the byte (or packet) bound become slow; below half of it they get their latest values and rejoin. */
  private markSlowSockets(): void {
    const limits = {
      bytes: this.config.LIVE_SLOW_CLIENT_BYTES,
      packets: SLOW_PACKETS,
      timeoutMs: this.config.LIVE_SLOW_CLIENT_TIMEOUT_S * 1000,
    };
    const now = Date.now();
    for (const socket of this.namespace?.sockets.values() ?? []) {
      const backlog = { bytes: bufferedBytes(socket), packets: queuedPackets(socket), slowSince: socket.data.slowSince };
      switch (slowSocketAction(backlog, now, limits)) {
        case 'mark-slow':
          socket.data.slowSince = now;
          void socket.join(SLOW_ROOM);
          this.logger.warn(
            `Socket ${socket.id} is slow (${backlog.bytes} bytes, ${backlog.packets} packets queued): sending latest values only`,
          );
          break;
        case 'recover':
          this.flushPending(socket);
          break;
        case 'disconnect':
          this.logger.warn(`Disconnecting socket ${socket.id}: slow for more than ${this.config.LIVE_SLOW_CLIENT_TIMEOUT_S} s`);
          socket.emit('error', {
            code: 'rate_limited',
            message: `Could not keep up for ${this.config.LIVE_SLOW_CLIENT_TIMEOUT_S} s; disconnected`,
          });
          socket.disconnect(true);
          this.metrics.slowDisconnects.inc();
          break;
        case 'keep':
          break;
      }
    }
  }

  private flushPending(socket: LiveSocket): void {
    socket.data.slowSince = undefined;
    void socket.leave(SLOW_ROOM);
    for (const [key, update] of socket.data.pending) {
      if (socket.data.tiles.has(key)) socket.emit('update', update);
    }
    socket.data.pending.clear();
  }

  /** After a possible gap in this process's reading: every subscribed stream gets a flagged snapshot. */
  private async resendSnapshots(): Promise<void> {
    const namespace = this.namespace;
    if (!namespace) return;
    const keys = [...namespace.adapter.rooms.keys()].filter((room) => room.startsWith('tile:')).map((room) => room.slice(5));
    const { latest } = await this.stream.latest(keys);
    for (const key of keys) {
      const update = latest.get(key);
      namespace.local.to(tileRoom(key)).emit('snapshot', { updates: update ? [update] : [], reset: true });
    }
    this.metrics.resetSnapshots.inc({ cause: 'gap' }, keys.length);
  }
}
