import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { DashboardsController } from './dashboards.controller';
import { DashboardsService } from './dashboards.service';

@Module({ imports: [LiveModule], controllers: [DashboardsController], providers: [DashboardsService] })
export class DashboardsModule {}
