import { Injectable } from '@nestjs/common';
import { QueueName } from '@ioc/contracts';
import {
  DeadLetterDesk,
  type DeadLetterFilter,
  type DeadLetterView,
  EventQueues,
  InjectTypedQueue,
  type RedriveResult,
  type TypedQueue,
} from '@ioc/queues';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { InvalidInputError, NotFoundError } from '../common/domain-errors';
import type { DeadLetterActionDto, DeadLetterFilterDto, DeadLetterListQueryDto } from './dto/dead-letter-filter.dto';

const toFilter = (dto: DeadLetterFilterDto & { ids?: string[] }): DeadLetterFilter => ({
  ids: dto.ids,
  sourceId: dto.source,
  stage: dto.stage,
  reason: dto.reason,
  from: dto.from,
  to: dto.to,
});

/** Admins' dead-letter desk over REST; redrives and purges are audited. */
@Injectable()
export class DeadLettersService {
  private readonly desk: DeadLetterDesk;

  constructor(
    @InjectTypedQueue(QueueName.DeadLetter) deadLetters: TypedQueue<typeof QueueName.DeadLetter>,
    events: EventQueues,
    private readonly audit: AuditService,
  ) {
    this.desk = new DeadLetterDesk(deadLetters, events);
  }

  list(query: DeadLetterListQueryDto): Promise<{ total: number; entries: DeadLetterView[] }> {
    return this.desk.list(toFilter(query), { limit: query.limit, offset: query.offset });
  }

  async get(id: string): Promise<DeadLetterView> {
    const letter = await this.desk.get(id);
    if (!letter) throw new NotFoundError(`No dead letter ${id}`);
    return letter;
  }

  async redrive(actor: Principal, body: DeadLetterActionDto): Promise<RedriveResult> {
    const filter = this.checked(body);
    const result = await this.desk.redrive(filter);
    await this.audit.record(actor, {
      action: 'dead_letters.redrive',
      entityType: 'dead_letter',
      entityId: describe(filter),
      before: filter,
      after: result,
    });
    return result;
  }

  async purge(actor: Principal, body: DeadLetterActionDto): Promise<{ purged: number }> {
    const filter = this.checked(body);
    const result = await this.desk.purge(filter);
    await this.audit.record(actor, {
      action: 'dead_letters.purge',
      entityType: 'dead_letter',
      entityId: describe(filter),
      before: filter,
      after: result,
    });
    return result;
  }

  /** An empty filter would act on every dead letter: only with `all: true`. */
  private checked(body: DeadLetterActionDto): DeadLetterFilter {
    const filter = toFilter(body);
    const criteria = Object.values(filter).filter((value) => value !== undefined);
    if (criteria.length === 0 && body.all !== true) {
      throw new InvalidInputError('Name the dead letters: ids, source, stage, reason, from/to, or all: true for every one', ['ids']);
    }
    return filter;
  }
}

/** Short audit entity id for a filter. */
function describe(filter: DeadLetterFilter): string {
  const text = filter.ids
    ? `ids:${filter.ids.slice(0, 5).join(',')}${filter.ids.length > 5 ? `,+${filter.ids.length - 5}` : ''}`
    : Object.entries(filter)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${value instanceof Date ? value.toISOString() : String(value)}`)
        .join(' ') || 'all';
  return text.slice(0, 128);
}
