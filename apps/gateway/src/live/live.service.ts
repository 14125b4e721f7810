import { Injectable, Logger } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { compareStreamIds } from '@ioc/platform';
import { dashboardRoom, parseDashboardLayout, type IndicatorUpdate, streamKey } from '@ioc/contracts';
import { type Prisma, PrismaService } from '@ioc/persistence';
import { AuthService } from '../auth/auth.service';
import { inScope, type Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
} from '../common/domain-errors';
import { byKeys, DATABASE_LOOKUPS, sharedLoader } from '../common/shared-loader';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayMetricsService } from '../metrics/gateway-metrics.service';
import type { SubscriptionRequestDto, UnsubscribeRequestDto } from './dto/subscription-request.dto';
import { IndicatorStreamService, type StreamEntry } from './indicator-stream.service';
import { LiveFanoutService } from './live-fanout.service';
import type { LiveSocket } from './live-socket';
import { planResume, type StreamPosition } from './resume-plan';

/** Largest delay a Node timer accepts; keys expiring later are re-checked at their next connection. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type DashboardWithUnit = Prisma.DashboardGetPayload<{ include: { unit: true } }>;

@Injectable()
export class LiveService {
  private readonly logger = new Logger(LiveService.name);
  private readonly dashboards: DataLoader<string, DashboardWithUnit | null>;
  private readonly indicators: DataLoader<string, string | null>;

  constructor(
    private readonly auth: AuthService,
    private readonly scope: ScopeService,
    private readonly prisma: PrismaService,
    private readonly stream: IndicatorStreamService,
    private readonly fanout: LiveFanoutService,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetricsService,
  ) {
    this.dashboards = sharedLoader(async (slugs) => {
      const rows = await this.prisma.dashboard.findMany({ where: { slug: { in: [...new Set(slugs)] } }, include: { unit: true } });
      return byKeys(slugs, rows, (row) => row.slug, null);
    }, DATABASE_LOOKUPS);
    this.indicators = sharedLoader(async (ids) => {
      const rows = await this.prisma.indicatorDefinition.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true } });
      return byKeys(
        ids,
        rows.map((row) => row.id),
        (id) => id,
        null,
      );
    }, DATABASE_LOOKUPS);
  }

  /** Checks the handshake credentials; refused or expired → an "error" event, then disconnect. */
  async authenticate(socket: LiveSocket): Promise<Principal | null> {
    const { auth, headers } = socket.handshake;
    const bearer = typeof auth.token === 'string' ? auth.token : undefined;
    const apiKey =
      typeof auth.apiKey === 'string' ? auth.apiKey : typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined;
    // Nothing else reads the upgrade's headers: they would stay with the socket for its life.
    socket.handshake.headers = {};
    try {
      const principal = await this.auth.authenticate({ bearer, apiKey });
      if (principal.expiresAt !== null && principal.expiresAt - Date.now() < MAX_TIMER_MS) {
        socket.data.expiryTimer = setTimeout(
          () => this.refuse(socket, 'Credentials expired; reconnect with a fresh token'),
          Math.max(0, principal.expiresAt - Date.now()),
        );
      }
      return principal;
    } catch (error) {
      this.refuse(socket, error instanceof UnauthenticatedError ? error.message : 'Authentication failed');
      return null;
    }
  }

  async subscribe(socket: LiveSocket, request: SubscriptionRequestDto): Promise<{ ok: true; streams: number }> {
    const principal = await this.principalOf(socket);
    const keys = request.dashboard
      ? await this.dashboardStreams(principal, request.dashboard)
      : await this.streamsFor(principal, request.indicators, request.units, request.subtree ?? false);
    const positions = this.checkPositions(request.positions ?? {});
    const added = keys.filter((key) => !socket.data.tiles.has(key));
    if (socket.data.tiles.size + added.length > this.config.LIVE_MAX_SUBSCRIPTIONS) {
      throw new RateLimitedError(
        `This subscription would make ${socket.data.tiles.size + added.length} streams; at most ${this.config.LIVE_MAX_SUBSCRIPTIONS} per connection`,
      );
    }

    const resuming = new Map(added.flatMap((key) => (positions.has(key) ? [[key, positions.get(key)!] as const] : [])));
    const state = await this.stream.resumeState({ keys: added, positions: resuming });
    if (socket.disconnected) return { ok: true, streams: 0 };

    // From here to the joins nothing awaits, so no broadcast can slip between snapshot and room.
    const snapshot: IndicatorUpdate[] = [];
    const replay: StreamEntry[] = [];
    const held = new Map<string, StreamPosition | null>();
    let reset = false;
    for (const key of added) {
      const latest = state.latest.get(key);
      const position = positions.get(key);
      const entries = state.entries.get(key) ?? [];
      const plan = position
        ? planResume(
            position,
            latest,
            entries.map((entry) => entry.update),
          )
        : 'reset';
      if (plan === 'reset') {
        if (position) {
          reset = true;
          this.metrics.resetSnapshots.inc({ cause: 'resume' });
        }
        if (latest) snapshot.push(latest);
        held.set(key, latest ?? null);
      } else {
        const missed = new Set(plan);
        replay.push(...entries.filter((entry) => missed.has(entry.update)));
        held.set(key, plan[plan.length - 1] ?? position ?? null);
      }
    }
    replay.sort((a, b) => compareStreamIds(a.id, b.id));
    const missed = replay.map((entry) => entry.update);
    // One message, not one per missed update: a storm's resumes are bounded by socket writes.
    // A reset snapshot keeps the replay apart, so the client still checks it for gaps.
    if (reset && missed.length > 0) {
      socket.emit('snapshot', { updates: snapshot, reset });
      socket.emit('snapshot', { updates: missed, reset: false });
    } else socket.emit('snapshot', { updates: [...snapshot, ...missed], reset });
    const lateResets: IndicatorUpdate[] = [];
    for (const key of added) {
      const caughtUp = this.fanout.attach(socket, key, held.get(key) ?? null, state.position);
      if (caughtUp !== 'ok') lateResets.push(caughtUp);
    }
    if (lateResets.length > 0) socket.emit('snapshot', { updates: lateResets, reset: true });
    if (resuming.size > 0) this.metrics.resumes.inc();
    this.metrics.replayedUpdates.inc(replay.length);
    this.metrics.resetSnapshots.inc({ cause: 'late' }, lateResets.length);
    if (request.dashboard) void socket.join(dashboardRoom(request.dashboard));
    this.logger.debug(`Socket ${socket.id} (${principal.name}) subscribed to ${added.length} streams, ${replay.length} replayed`);
    return { ok: true, streams: added.length };
  }

  async unsubscribe(socket: LiveSocket, request: UnsubscribeRequestDto): Promise<{ ok: true }> {
    await this.principalOf(socket);
    for (const indicatorId of request.indicators) {
      for (const unitCode of request.units) this.fanout.detach(socket, streamKey(indicatorId, unitCode));
    }
    return { ok: true };
  }

  /** Counts the socket's messages; past LIVE_MAX_MESSAGES_PER_10S it is told why and disconnected. */
  countMessage(socket: LiveSocket): boolean {
    const now = Date.now();
    const window = socket.data.window;
    if (now - window.startedAt >= 10_000) {
      window.startedAt = now;
      window.messages = 0;
    }
    window.messages += 1;
    if (window.messages <= this.config.LIVE_MAX_MESSAGES_PER_10S) return true;
    this.logger.warn(`Disconnecting socket ${socket.id}: more than ${this.config.LIVE_MAX_MESSAGES_PER_10S} messages in 10 s`);
    socket.emit('error', {
      code: 'rate_limited',
      message: `More than ${this.config.LIVE_MAX_MESSAGES_PER_10S} messages in 10 s; disconnected`,
    });
    socket.disconnect();
    return false;
  }

  private refuse(socket: LiveSocket, message: string): void {
    socket.emit('error', { code: 'unauthenticated', message });
    socket.disconnect();
  }

  private async principalOf(socket: LiveSocket): Promise<Principal> {
    const principal = await socket.data.ready;
    if (!principal) throw new UnauthenticatedError('Not authenticated');
    return principal;
  }

  private keyOf(update: IndicatorUpdate): string {
    return streamKey(update.indicatorId, update.unitCode);
  }

  private async streamsFor(principal: Principal, indicatorIds: string[], unitCodes: string[], subtree: boolean): Promise<string[]> {
    const units = await this.scope.resolveUnits(principal, [...new Set(unitCodes)], subtree);
    const known = await this.indicators.loadMany([...new Set(indicatorIds)]);
    const failed = known.find((id): id is Error => id instanceof Error);
    if (failed) throw failed;
    const unknown = indicatorIds.filter((id) => !known.includes(id));
    if (unknown.length > 0) throw new NotFoundError(`Unknown indicator(s): ${unknown.join(', ')}`, ['indicators']);
    return [...new Set(indicatorIds)].flatMap((indicatorId) => units.map((unit) => streamKey(indicatorId, unit.code)));
  }

  private async dashboardStreams(principal: Principal, slug: string): Promise<string[]> {
    const dashboard = await this.dashboards.load(slug);
    if (!dashboard) throw new NotFoundError(`No dashboard "${slug}"`, ['dashboard']);
    if (!inScope(principal, dashboard.unit.path)) {
      throw new ForbiddenError(`Dashboard "${slug}" shows ${dashboard.unit.code}, outside your scope (${principal.unitCode})`);
    }
    const layout = parseDashboardLayout(dashboard.layout);
    if (!layout) throw new ConflictError(`Dashboard "${slug}" has an unreadable layout: an admin must save it again`, ['dashboard']);
    const unitCodes = [...new Set(layout.tiles.map((tile) => tile.unitCode))];
    await this.scope.resolveUnits(principal, unitCodes);
    return [...new Set(layout.tiles.map((tile) => streamKey(tile.indicatorId, tile.unitCode)))];
  }

  private checkPositions(positions: Record<string, unknown>): Map<string, StreamPosition> {
    const checked = new Map<string, StreamPosition>();
    for (const [key, value] of Object.entries(positions)) {
      const position = value as Partial<StreamPosition> | null;
      if (typeof position?.epoch !== 'string' || !Number.isSafeInteger(position.seq)) {
        throw new InvalidInputError(`positions["${key}"] must be { epoch: string, seq: integer }`, [`positions.${key}`]);
      }
      checked.set(key, { epoch: position.epoch, seq: position.seq! });
    }
    return checked;
  }
}
