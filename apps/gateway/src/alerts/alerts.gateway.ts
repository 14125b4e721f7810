import { UseFilters, UsePipes } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { LIVE_NAMESPACE } from '@ioc/contracts';
import { UnauthenticatedError } from '../common/domain-errors';
import { createSocketValidationPipe } from '../common/validation';
import { LiveExceptionFilter } from '../live/live-exception.filter';
import type { LiveNamespace, LiveSocket } from '../live/live-socket';
import { AlertFanoutService } from './alert-fanout.service';
import { AlertsService } from './alerts.service';
import { AlertAckMessageDto } from './dto/alert.dto';

/**
 * Alerts on the live namespace: in-app notifications out, "alert:ack" in. The live gateway
 * authenticates each socket and puts it in its user's room; this one only adds the alert events.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
@UseFilters(LiveExceptionFilter)
@UsePipes(createSocketValidationPipe())
export class AlertsGateway implements OnGatewayInit<LiveNamespace> {
  constructor(
    private readonly alerts: AlertsService,
    private readonly fanout: AlertFanoutService,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    this.fanout.bind(namespace);
  }

  @SubscribeMessage('alert:ack')
  async acknowledge(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() message: AlertAckMessageDto,
  ): Promise<{ ok: true; state: string }> {
    const principal = await socket.data.ready;
    if (!principal) throw new UnauthenticatedError('Not authenticated');
    const alert = await this.alerts.acknowledge(principal, message.alertId, message.note);
    return { ok: true, state: alert.state };
  }
}
