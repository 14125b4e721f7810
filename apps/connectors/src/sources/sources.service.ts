import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { QueueName } from '@ioc/contracts';
import { ConnectorRegistry, parseSchedule, validateAgainstSchema, type CheckResult } from '@ioc/connector-sdk';
import { PrismaService } from '@ioc/persistence';
import { DEFAULT_JOB_OPTIONS, InjectTypedQueue, type TypedQueue } from '@ioc/queues';
import { SourceNotFoundError, SourceRequestError } from '../errors/domain-errors';
import { PUSH_CONNECTOR_TYPE, PushCredentials } from '../ingest/push-credentials';
import { SourceContextService } from '../sync/source-context.service';
import type { BackfillRequestDto } from './dto/backfill-request.dto';
import type { CreateSourceDto } from './dto/create-source.dto';

export interface SourceSummary {
  id: string;
  name: string;
  connectorType: string;
  connectorVersion: string;
  schedule: string;
  enabled: boolean;
}

const MAX_BACKFILL_DAYS = 92;

/** Creating sources (config validated, credentials encrypted), checking them and requesting backfills. */
@Injectable()
export class SourcesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly registry: ConnectorRegistry,
    private readonly contexts: SourceContextService,
    @InjectTypedQueue(QueueName.SourcePull) private readonly pulls: TypedQueue<typeof QueueName.SourcePull>,
  ) {}

  async create(request: CreateSourceDto): Promise<SourceSummary> {
    let version = '1.0.0';
    let schedule = request.schedule ?? 'push';
    let config: object = request.config;
    if (request.connectorType === PUSH_CONNECTOR_TYPE) {
      validateAgainstSchema(PushCredentials, request.credentials, 'credentials');
    } else {
      const connector = this.connectorOrRefuse(request.connectorType);
      config = validateAgainstSchema(connector.spec.configSchema, request.config, 'config');
      validateAgainstSchema(connector.spec.credentialsSchema, request.credentials, 'credentials');
      version = connector.spec.version;
      schedule = request.schedule ?? connector.spec.defaultSchedule;
      try {
        parseSchedule(schedule);
      } catch (error) {
        throw new SourceRequestError((error as Error).message);
      }
    }
    const source = await this.prisma.source.create({
      data: {
        name: request.name,
        connectorType: request.connectorType,
        connectorVersion: version,
        config: JSON.parse(JSON.stringify(config)) as object,
        credentialsEncrypted: this.contexts.encryptCredentials(request.credentials),
        schedule,
        enabled: request.enabled ?? true,
      },
    });
    const { id, name, connectorType, connectorVersion, enabled } = source;
    return { id, name, connectorType, connectorVersion, schedule: source.schedule, enabled };
  }

  async check(sourceId: string): Promise<CheckResult> {
    const source = await this.prisma.source.findUnique({ where: { id: sourceId } });
    if (!source) throw new SourceNotFoundError(sourceId);
    if (source.connectorType === PUSH_CONNECTOR_TYPE) throw new SourceRequestError('a push source has nothing to check: it calls us');
    const { connector, config, credentials, http } = this.contexts.resolve(source);
    const noop = (): void => undefined;
    return connector.check({ sourceId, config, credentials, http, logger: { debug: noop, info: noop, warn: noop } });
  }

  /** Queues a re-read of one stream over [from, to); the live cursor is not touched. */
  async backfill(sourceId: string, request: BackfillRequestDto): Promise<{ jobId: string }> {
    const source = await this.prisma.source.findUnique({ where: { id: sourceId } });
    if (!source) throw new SourceNotFoundError(sourceId);
    const { connector, config } = this.contexts.resolve(source);
    if (!connector.discover(config).some((stream) => stream.name === request.stream)) {
      throw new SourceRequestError(`source ${sourceId} has no stream "${request.stream}"`);
    }
    const from = Date.parse(request.from);
    const to = Date.parse(request.to);
    if (!(from < to)) throw new SourceRequestError('"from" must be before "to"');
    if (to - from > MAX_BACKFILL_DAYS * 86_400_000) throw new SourceRequestError(`a backfill covers at most ${MAX_BACKFILL_DAYS} days`);
    const backfill = { stream: request.stream, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const jobId = `backfill-${createHash('sha256').update(`${sourceId}\n${backfill.stream}\n${backfill.from}\n${backfill.to}`).digest('hex').slice(0, 40)}`;
    await this.pulls.add('backfill', { sourceId, backfill }, { ...DEFAULT_JOB_OPTIONS[QueueName.SourcePull], jobId });
    return { jobId };
  }

  private connectorOrRefuse(id: string) {
    try {
      return this.registry.get(id);
    } catch (error) {
      throw new SourceRequestError((error as Error).message);
    }
  }
}
