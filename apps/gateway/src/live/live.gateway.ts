import { UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { LIVE_NAMESPACE } from '@ioc/contracts';
import { createSocketValidationPipe } from '../common/validation';
import { GatewayMetricsService } from '../metrics/gateway-metrics.service';
import { SubscriptionRequestDto, UnsubscribeRequestDto } from './dto/subscription-request.dto';
import { LiveExceptionFilter } from './live-exception.filter';
import { LiveFanoutService } from './live-fanout.service';
import { type LiveNamespace, type LiveSocket, userRoom } from './live-socket';
import { LiveService } from './live.service';
import { ScorecardFanoutService } from './scorecard-fanout.service';
import { SOURCE_HEALTH_ROOM, SourceHealthFanoutService } from './source-health-fanout.service';

const validation = createSocketValidationPipe();

/** Live indicator values for wall displays and leaders' screens (namespace /live). */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
@UseFilters(LiveExceptionFilter)
@UsePipes(validation)
export class LiveGateway implements OnGatewayInit<LiveNamespace>, OnGatewayConnection<LiveSocket>, OnGatewayDisconnect<LiveSocket> {
  constructor(
    private readonly live: LiveService,
    private readonly fanout: LiveFanoutService,
    private readonly sourceHealth: SourceHealthFanoutService,
    private readonly scorecards: ScorecardFanoutService,
    private readonly metrics: GatewayMetricsService,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    this.fanout.bind(namespace);
    this.sourceHealth.bind(namespace);
    this.scorecards.bind(namespace);
    this.metrics.bind(namespace);
  }

  handleConnection(socket: LiveSocket): void {
    // The handshake already holds what authentication reads (headers, auth, address); engine.io would
    // otherwise keep the whole upgrade request for the socket's life (socket.io's memory guide: ~4 KB each).
    (socket.conn as unknown as { request: unknown }).request = null;
    socket.data.tiles = new Set();
    socket.data.pending = new Map();
    socket.data.window = { startedAt: Date.now(), messages: 0 };
    socket.data.ready = this.live.authenticate(socket).then((principal) => {
      if (principal) {
        void socket.join(principal.kind === 'user' ? [SOURCE_HEALTH_ROOM, userRoom(principal.id)] : SOURCE_HEALTH_ROOM);
        void this.sourceHealth.sendCurrent(socket);
      }
      return principal;
    });
    socket.use((_packet, next) => {
      if (this.live.countMessage(socket)) next();
    });
  }

  handleDisconnect(socket: LiveSocket): void {
    clearTimeout(socket.data.expiryTimer);
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() request: SubscriptionRequestDto): Promise<{ ok: true; streams: number }> {
    return this.live.subscribe(socket, request);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() request: UnsubscribeRequestDto): Promise<{ ok: true }> {
    return this.live.unsubscribe(socket, request);
  }
}
