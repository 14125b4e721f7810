import { Injectable } from '@nestjs/common';
import { parseMatchers } from '@ioc/alerting';
import { PrismaService, type Prisma, type Silence } from '@ioc/persistence';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { InvalidInputError, NotFoundError } from '../common/domain-errors';
import type { CreateSilenceDto, UpdateSilenceDto } from './dto/silence.dto';

/** Silences / maintenance windows: alerts matching every matcher are not notified inside the window. Audited. */
@Injectable()
export class SilencesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  /** Silences not yet over, soonest end first. */
  listActive(): Promise<Silence[]> {
    return this.prisma.silence.findMany({ where: { endsAt: { gt: new Date() } }, orderBy: [{ endsAt: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string): Promise<Silence> {
    const silence = await this.prisma.silence.findUnique({ where: { id } });
    if (!silence) throw new NotFoundError(`No silence ${id}`);
    return silence;
  }

  async create(actor: Principal, input: CreateSilenceDto): Promise<Silence> {
    const data = checked({ matchers: input.matchers, startsAt: input.startsAt ?? new Date(), endsAt: input.endsAt, comment: input.comment ?? null });
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.silence.create({ data: { ...data, createdById: actor.kind === 'user' ? actor.id : null } });
      await this.audit.record(actor, { action: 'silence.create', entityType: 'silence', entityId: row.id, after: row }, tx);
      return row;
    });
  }

  async update(actor: Principal, id: string, input: UpdateSilenceDto): Promise<Silence> {
    const before = await this.get(id);
    const data = checked({
      matchers: input.matchers ?? before.matchers,
      startsAt: input.startsAt ?? before.startsAt,
      endsAt: input.endsAt ?? before.endsAt,
      comment: input.comment ?? before.comment,
    });
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.silence.update({ where: { id }, data });
      await this.audit.record(actor, { action: 'silence.update', entityType: 'silence', entityId: id, before, after: row }, tx);
      return row;
    });
  }

  async remove(actor: Principal, id: string): Promise<void> {
    const before = await this.get(id);
    await this.prisma.$transaction(async (tx) => {
      await tx.silence.delete({ where: { id } });
      await this.audit.record(actor, { action: 'silence.delete', entityType: 'silence', entityId: id, before }, tx);
    });
  }
}

/** The evaluator's matcher parser (regexes compile) and a window that ends after it starts. */
function checked(input: { matchers: unknown; startsAt: Date; endsAt: Date; comment: string | null }) {
  let matchers;
  try {
    matchers = parseMatchers(input.matchers);
  } catch (error) {
    throw new InvalidInputError(`Invalid matchers: ${(error as Error).message}`, ['matchers']);
  }
  if (input.endsAt.getTime() <= input.startsAt.getTime()) throw new InvalidInputError('endsAt must be after startsAt', ['endsAt']);
  return { ...input, matchers: matchers as unknown as Prisma.InputJsonArray };
}
