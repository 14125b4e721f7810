import { Injectable } from '@nestjs/common';
import { parseMatchers } from '@ioc/alerting';
import { jsonInput, PrismaService, type Silence } from '@ioc/persistence';
import { AuditService } from '../audit/audit.service';
import { ownedWithin, ownsObject, type Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../common/domain-errors';
import type { CreateSilenceDto, UpdateSilenceDto } from './dto/silence.dto';

/** A silence with the code of the unit it belongs to (null: province-wide system silence). */
export type SilenceView = Silence & { unitCode: string | null };

type SilenceWithUnit = Silence & { unit: { code: string; path: string } | null };

const WITH_UNIT = { unit: { select: { code: true, path: true } } } as const;

/**
 * Silences / maintenance windows: alerts matching every matcher are not notified inside the window.
 * Each belongs to its author's unit (or one inside it): it mutes only alerts in that subtree, and only
 * principals whose scope covers it see, change or delete it. Audited.
 */
@Injectable()
export class SilencesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
  ) {}

  /** Silences not yet over in the caller's subtree, soonest end first. */
  async listActive(principal: Principal): Promise<SilenceView[]> {
    const rows = await this.prisma.silence.findMany({
      where: { endsAt: { gt: new Date() }, ...ownedWithin(principal) },
      include: WITH_UNIT,
      orderBy: [{ endsAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(view);
  }

  async get(principal: Principal, id: string): Promise<SilenceView> {
    return view(await this.owned(principal, id));
  }

  async create(actor: Principal, input: CreateSilenceDto): Promise<SilenceView> {
    const data = checked({
      matchers: input.matchers,
      startsAt: input.startsAt ?? new Date(),
      endsAt: input.endsAt,
      comment: input.comment ?? null,
    });
    const unitId = input.unitCode ? (await this.scope.resolveUnit(actor, input.unitCode)).id : actor.unitId;
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.silence.create({
        data: { ...data, unitId, createdById: actor.kind === 'user' ? actor.id : null },
        include: WITH_UNIT,
      });
      await this.audit.record(actor, { action: 'silence.create', entityType: 'silence', entityId: row.id, after: row }, tx);
      return view(row);
    });
  }

  async update(actor: Principal, id: string, input: UpdateSilenceDto): Promise<SilenceView> {
    const before = await this.owned(actor, id);
    const data = checked({
      matchers: input.matchers ?? before.matchers,
      startsAt: input.startsAt ?? before.startsAt,
      endsAt: input.endsAt ?? before.endsAt,
      comment: input.comment ?? before.comment,
    });
    const unitId = input.unitCode ? (await this.scope.resolveUnit(actor, input.unitCode)).id : before.unitId;
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.silence.update({ where: { id }, data: { ...data, unitId }, include: WITH_UNIT });
      await this.audit.record(actor, { action: 'silence.update', entityType: 'silence', entityId: id, before, after: row }, tx);
      return view(row);
    });
  }

  async remove(actor: Principal, id: string): Promise<void> {
    const before = await this.owned(actor, id);
    await this.prisma.$transaction(async (tx) => {
      await tx.silence.delete({ where: { id } });
      await this.audit.record(actor, { action: 'silence.delete', entityType: 'silence', entityId: id, before }, tx);
    });
  }

  /** The silence, when it belongs to a unit in the caller's subtree; refusals are audited. */
  private async owned(principal: Principal, id: string): Promise<SilenceWithUnit> {
    const silence = await this.prisma.silence.findUnique({ where: { id }, include: WITH_UNIT });
    if (!silence) throw new NotFoundError(`No silence ${id}`);
    if (!ownsObject(principal, silence.unit)) {
      await this.audit.record(principal, { action: 'silence.refused', entityType: 'silence', entityId: id, before: silence });
      throw new ForbiddenError(
        `Silence ${id} belongs to unit ${silence.unit?.code ?? 'province'}, outside your scope (${principal.unitCode})`,
      );
    }
    return silence;
  }
}

const view = ({ unit, ...silence }: SilenceWithUnit): SilenceView => ({ ...silence, unitCode: unit?.code ?? null });

/** The evaluator's matcher parser (regexes compile on RE2) and a window that ends after it starts. */
function checked(input: { matchers: unknown; startsAt: Date; endsAt: Date; comment: string | null }) {
  let matchers;
  try {
    matchers = parseMatchers(input.matchers);
  } catch (error) {
    throw new InvalidInputError(`Invalid matchers: ${(error as Error).message}`, ['matchers']);
  }
  if (input.endsAt.getTime() <= input.startsAt.getTime()) throw new InvalidInputError('endsAt must be after startsAt', ['endsAt']);
  return { ...input, matchers: jsonInput(matchers) };
}
