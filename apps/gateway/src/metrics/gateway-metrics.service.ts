import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@ioc/platform';
import { type LiveNamespace, type LiveSocket, SLOW_ROOM } from '../live/live-socket';

/**
 * Prometheus metrics of the live gateway (served on GATEWAY_METRICS_PORT). Deliveries are counted from
 * socket.io's outgoing hook, so the fan-out code stays free of bookkeeping; gauges are read from
 * the namespace at scrape time. Event-loop lag comes with the default process metrics.
 */
@Injectable()
export class GatewayMetricsService {
  /** Subscriptions with positions, and what they got: replayed updates or reset snapshots. */
  readonly resumes: Counter;
  readonly replayedUpdates: Counter;
  readonly resetSnapshots: Counter<'cause'>;
  readonly slowDisconnects: Counter;
  private readonly deliveries: Counter<'event'>;
  /** One child per event name: counting a delivery is then one addition, not a label lookup per socket and message. */
  private readonly deliveriesByEvent = new Map<string, Counter.Internal>();
  private readonly disconnects: Counter<'reason'>;
  private namespace?: LiveNamespace;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    const sockets = (): LiveSocket[] => [...(this.namespace?.sockets.values() ?? [])];
    new Gauge({
      name: 'ioc_gateway_connections',
      help: 'Sockets connected to /live on this process',
      registers,
      collect() {
        this.set(sockets().length);
      },
    });
    new Gauge({
      name: 'ioc_gateway_subscriptions',
      help: 'Streams (indicator × unit) subscribed, summed over the sockets of this process',
      registers,
      collect() {
        this.set(sockets().reduce((sum, socket) => sum + (socket.data.tiles?.size ?? 0), 0));
      },
    });
    const slowCount = (): number => this.namespace?.adapter.rooms.get(SLOW_ROOM)?.size ?? 0;
    new Gauge({
      name: 'ioc_gateway_slow_clients',
      help: 'Sockets currently receiving latest values only because they cannot keep up',
      registers,
      collect() {
        this.set(slowCount());
      },
    });
    this.deliveries = new Counter({
      name: 'ioc_gateway_deliveries_total',
      help: 'Messages sent to live sockets, by event (update, snapshot, error, dashboard, alert...)',
      labelNames: ['event'],
      registers,
    });
    this.disconnects = new Counter({
      name: 'ioc_gateway_disconnects_total',
      help: 'Live sockets disconnected, by socket.io reason',
      labelNames: ['reason'],
      registers,
    });
    this.resumes = new Counter({ name: 'ioc_gateway_resumes_total', help: 'Subscriptions that resumed from stream positions', registers });
    this.replayedUpdates = new Counter({
      name: 'ioc_gateway_replayed_updates_total',
      help: 'Missed updates replayed to resuming clients',
      registers,
    });
    this.resetSnapshots = new Counter({
      name: 'ioc_gateway_reset_snapshots_total',
      help: 'Streams sent as a reset snapshot instead of a replay (resume too old or new epoch, process gap)',
      labelNames: ['cause'],
      registers,
    });
    this.slowDisconnects = new Counter({
      name: 'ioc_gateway_slow_disconnects_total',
      help: 'Sockets disconnected for being slow longer than LIVE_SLOW_CLIENT_TIMEOUT_S',
      registers,
    });
  }

  private deliveriesOf(event: string): Counter.Internal {
    let counter = this.deliveriesByEvent.get(event);
    if (!counter) {
      counter = this.deliveries.labels({ event });
      this.deliveriesByEvent.set(event, counter);
    }
    return counter;
  }

  /** Starts counting the namespace's sockets and what they are sent. */
  bind(namespace: LiveNamespace): void {
    this.namespace = namespace;
    namespace.on('connection', (socket: LiveSocket) => {
      socket.onAnyOutgoing((event: string) => this.deliveriesOf(event).inc());
      socket.on('disconnect', (reason) => this.disconnects.inc({ reason }));
    });
  }
}
