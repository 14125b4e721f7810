import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule, type BullBoardInstance, InjectBullBoard } from '@bull-board/nestjs';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { QueueName } from '@ioc/contracts';
import { EventQueues } from '@ioc/queues';
import { AuthService } from '../auth/auth.service';
import { queueBoardAuth } from './queue-board-auth';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** The events queues of aggregation partitions 1…P-1 (same name, other prefix), shown as `p<N>:events`. */
@Injectable()
class PartitionQueuesOnBoard implements OnModuleInit {
  constructor(
    @InjectBullBoard() private readonly board: BullBoardInstance,
    private readonly events: EventQueues,
  ) {}

  onModuleInit(): void {
    this.events.queues.slice(1).forEach((queue, index) => {
      this.board.addQueue(new BullMQAdapter(queue, { readOnlyMode: true, prefix: `p${index + 1}:` }));
    });
  }
}

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
  providers: [PartitionQueuesOnBoard],
})
export class QueueBoardModule {}
