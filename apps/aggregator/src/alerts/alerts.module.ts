import { Module } from '@nestjs/common';
import { systemClock } from '@ioc/alerting';
import { CatalogModule } from '../catalog/catalog.module';
import { ALERT_CLOCK } from './alert-clock';
import { AlertEvaluatorService } from './alert-evaluator.service';
import { AlertNotifierService } from './alert-notifier.service';
import { AlertStateService } from './alert-state.service';
import { AlertStreamsProcessor } from './alert-streams.processor';
import { NotificationChannelsService } from './notification-channels.service';
import { NotificationDeliveryProcessor } from './notification-delivery.processor';

/** Alert evaluation, grouping, escalation and delivery (uses the app's Prisma, Redis and queues). */
@Module({
  imports: [CatalogModule],
  providers: [
    { provide: ALERT_CLOCK, useValue: systemClock },
    AlertStateService,
    AlertEvaluatorService,
    AlertNotifierService,
    AlertStreamsProcessor,
    NotificationChannelsService,
    NotificationDeliveryProcessor,
  ],
  exports: [AlertStreamsProcessor],
})
export class AlertsModule {}
