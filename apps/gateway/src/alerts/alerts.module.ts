import { Module } from '@nestjs/common';
import { systemClock } from '@ioc/alerting';
import { AlertActions } from './alert-actions';
import { PrismaService } from '@ioc/persistence';
import { AlertFanoutService } from './alert-fanout.service';
import { AlertRulesController } from './alert-rules.controller';
import { AlertRulesService } from './alert-rules.service';
import { AlertsController } from './alerts.controller';
import { AlertsGateway } from './alerts.gateway';
import { AlertsService } from './alerts.service';
import { SilencesController } from './silences.controller';
import { SilencesService } from './silences.service';

@Module({
  controllers: [AlertsController, AlertRulesController, SilencesController],
  providers: [
    { provide: AlertActions, useFactory: (prisma: PrismaService) => new AlertActions(prisma, systemClock), inject: [PrismaService] },
    AlertsService,
    AlertRulesService,
    SilencesService,
    AlertFanoutService,
    AlertsGateway,
  ],
})
export class AlertsModule {}
