import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { QueueName } from '@ioc/contracts';
import { AuthService } from '../auth/auth.service';
import { queueBoardAuth } from './queue-board-auth';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/**
 * Bull Board at /admin/queues: every queue of the pipeline, for admins (see queueBoardAuth). Read-only,
 * so every change to queued work goes through the audited dead-letter routes instead.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [AuthService],
      useFactory: (auth: AuthService) => ({
        route: QUEUE_BOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: queueBoardAuth(auth),
        boardOptions: { uiConfig: { boardTitle: 'IOC queues' } },
      }),
    }),
    ...Object.values(QueueName).map((name) =>
      BullBoardModule.forFeature({ name, adapter: BullMQAdapter, options: { readOnlyMode: true } }),
    ),
  ],
})
export class QueueBoardModule {}
