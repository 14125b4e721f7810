import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { ValuesController } from './values.controller';
import { ValuesService } from './values.service';

@Module({ imports: [LiveModule], controllers: [ValuesController], providers: [ValuesService] })
export class ValuesModule {}
