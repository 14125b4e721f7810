import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { AdminTokenGuard } from './admin-token.guard';
import { SourcesController } from './sources.controller';
import { SourcesService } from './sources.service';

@Module({ imports: [SyncModule], controllers: [SourcesController], providers: [SourcesService, AdminTokenGuard] })
export class SourcesModule {}
