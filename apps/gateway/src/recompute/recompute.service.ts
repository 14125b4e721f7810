import { Injectable, type MessageEvent, type BeforeApplicationShutdown } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { createRedisClient, type RedisClient } from '@ioc/platform';
import { redisTopologyOf } from '@ioc/config';
import {
  type HistoryResolution,
  QueueName,
  type RecomputeJob,
  type RecomputeProgress,
  type RecomputeResult,
  redisQueuePrefix,
} from '@ioc/contracts';
import { parseDefinition } from '@ioc/indicators';
import { PrismaService } from '@ioc/persistence';
import { DEFAULT_JOB_OPTIONS, InjectTypedQueue, type TypedQueue } from '@ioc/queues';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors';
import { GatewayConfig } from '../config/gateway-config';
import type { RecomputeRequestDto } from './dto/recompute-request.dto';

/** Longest period one request may rebuild. */
const MAX_PERIOD_DAYS = 400;

export interface RecomputeStatus {
  jobId: string;
  state: string;
  request: RecomputeJob;
  progress: RecomputeProgress | null;
  result: RecomputeResult | null;
  error: string | null;
}

/** Queues history recomputes for an aggregator to run, and follows their progress (audited). */
@Injectable()
export class RecomputeService implements BeforeApplicationShutdown {
  private readonly events: QueueEvents;
  /** QueueEvents blocks on its own connection, which BullMQ leaves to its owner to close. */
  private readonly connection: RedisClient;

  constructor(
    @InjectTypedQueue(QueueName.Maintenance) private readonly queue: TypedQueue<typeof QueueName.Maintenance>,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    config: GatewayConfig,
  ) {
    this.connection = createRedisClient(redisTopologyOf(config));
    this.events = new QueueEvents(QueueName.Maintenance, { connection: this.connection, prefix: redisQueuePrefix(config.REDIS_PREFIX) });
    this.events.setMaxListeners(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.events.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  async start(actor: Principal, request: RecomputeRequestDto): Promise<RecomputeStatus> {
    if (request.from.getTime() >= request.to.getTime()) throw new InvalidInputError('from must be before to', ['from', 'to']);
    if (request.to.getTime() - request.from.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
      throw new InvalidInputError(`At most ${MAX_PERIOD_DAYS} days per recompute`, ['from', 'to']);
    }
    if (request.indicator) {
      const indicator = await this.prisma.indicatorDefinition.findFirst({ where: { id: request.indicator, enabled: true } });
      if (!indicator) throw new NotFoundError(`No enabled indicator ${request.indicator}`, ['indicator']);
      const definition = parseDefinition(indicator);
      if (!definition.ok) throw new ConflictError(`${request.indicator} is not usable: ${definition.problems.join('; ')}`, ['indicator']);
      if (definition.definition.formula.op === 'freshness') {
        throw new InvalidInputError(
          `${request.indicator} measures when data arrived, which the stored events do not keep: it cannot be recomputed`,
          ['indicator'],
        );
      }
    }
    if (request.unit && !(await this.prisma.administrativeUnit.findUnique({ where: { code: request.unit } }))) {
      throw new NotFoundError(`No unit ${request.unit}`, ['unit']);
    }
    const data: RecomputeJob = {
      from: request.from.toISOString(),
      to: request.to.toISOString(),
      indicatorId: request.indicator,
      unitCode: request.unit,
      resolutions: [...new Set<HistoryResolution>(request.resolutions ?? ['HOUR', 'DAY'])],
      requestedBy: `${actor.kind}:${actor.id}`,
    };
    const jobId = `recompute-${randomUUID()}`;
    await this.queue.add('recompute', data, { ...DEFAULT_JOB_OPTIONS[QueueName.Maintenance], jobId });
    await this.audit.record(actor, { action: 'history.recompute', entityType: 'indicator_history', entityId: jobId, after: data });
    return this.status(jobId);
  }

  async status(jobId: string): Promise<RecomputeStatus> {
    const job = await this.queue.getJob(jobId);
    if (!job || !job.id?.startsWith('recompute-')) throw new NotFoundError(`No recompute ${jobId}`);
    const progress = typeof job.progress === 'object' ? (job.progress as unknown as RecomputeProgress) : null;
    return {
      jobId,
      state: await job.getState(),
      request: job.data,
      progress,
      result: job.returnvalue ?? null,
      error: job.failedReason ?? null,
    };
  }

  /** Server-sent events: the current status, then "progress" until "completed" or "failed". */
  async follow(jobId: string): Promise<Observable<MessageEvent>> {
    const initial = await this.status(jobId);
    return new Observable<MessageEvent>((subscriber) => {
      const finish = (type: 'completed' | 'failed', data: object): void => {
        subscriber.next({ type, data });
        subscriber.complete();
      };
      const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }): void => {
        if (id === jobId) subscriber.next({ type: 'progress', data: data as object });
      };
      const onCompleted = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }): void => {
        if (id === jobId) finish('completed', (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as object);
      };
      const onFailed = ({ jobId: id, failedReason }: { jobId: string; failedReason: string }): void => {
        if (id === jobId) finish('failed', { error: failedReason });
      };
      this.events.on('progress', onProgress);
      this.events.on('completed', onCompleted);
      this.events.on('failed', onFailed);
      subscriber.next({ type: 'status', data: initial });
      // Finished before anyone listened: say so from the stored job.
      void this.status(jobId).then((now) => {
        if (now.state === 'completed') finish('completed', now.result ?? {});
        else if (now.state === 'failed') finish('failed', { error: now.error });
      });
      return () => {
        this.events.off('progress', onProgress);
        this.events.off('completed', onCompleted);
        this.events.off('failed', onFailed);
      };
    });
  }
}
