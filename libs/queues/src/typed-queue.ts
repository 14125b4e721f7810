import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { QueueJobMap, QueueName, QueueResultMap } from '@ioc/contracts';

/** A BullMQ queue typed by the contracts: its job payload and result as QueueJobMap and QueueResultMap name them. */
export type TypedQueue<N extends QueueName> = Queue<QueueJobMap[N], QueueResultMap[N]>;

/**
 * Injects the queue `name`; declare the parameter as TypedQueue of the same name, so producer and
 * processor agree on the payload through QueueJobMap instead of pairing types by hand.
 */
export const InjectTypedQueue = <N extends QueueName>(name: N): ParameterDecorator => InjectQueue(name);
