import { Module } from '@nestjs/common';
import { RecomputeController } from './recompute.controller';
import { RecomputeService } from './recompute.service';

@Module({ controllers: [RecomputeController], providers: [RecomputeService] })
export class RecomputeModule {}
