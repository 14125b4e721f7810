import { Module } from '@nestjs/common';
import { PushController } from './push.controller';
import { PushService } from './push.service';

/** Where leaders' browsers register for Web Push (the sending is the alerts notifier's). */
@Module({ controllers: [PushController], providers: [PushService] })
export class PushModule {}
