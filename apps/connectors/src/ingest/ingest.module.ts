import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';

@Module({ imports: [SyncModule], controllers: [IngestController], providers: [IngestService] })
export class IngestModule {}
