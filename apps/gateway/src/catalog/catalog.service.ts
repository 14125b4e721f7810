import { Injectable } from '@nestjs/common';
import { type IndicatorDefinition, jsonInput, PrismaService, type Target } from '@ioc/persistence';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors';
import { type CreateIndicatorDto, definitionProblems, type UpdateIndicatorDto } from './dto/indicator.dto';
import type { CreateTargetDto, UpdateTargetDto } from './dto/target.dto';

@Injectable()
export class CatalogService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly scope: ScopeService,
  ) {}

  listIndicators(): Promise<IndicatorDefinition[]> {
    return this.prisma.indicatorDefinition.findMany({ orderBy: { id: 'asc' } });
  }

  async getIndicator(id: string): Promise<IndicatorDefinition & { targets: Target[] }> {
    const indicator = await this.prisma.indicatorDefinition.findUnique({ where: { id }, include: { targets: true } });
    if (!indicator) throw new NotFoundError(`No indicator "${id}"`);
    return indicator;
  }

  listTargets(indicatorId?: string): Promise<Target[]> {
    return this.prisma.target.findMany({ where: indicatorId ? { indicatorId } : {}, orderBy: [{ indicatorId: 'asc' }, { tier: 'asc' }] });
  }

  async createIndicator(actor: Principal, input: CreateIndicatorDto): Promise<IndicatorDefinition> {
    this.checkDefinition(input.formula, input.window);
    if (await this.prisma.indicatorDefinition.findUnique({ where: { id: input.id } }))
      throw new ConflictError(`Indicator "${input.id}" exists`, ['id']);
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.indicatorDefinition.create({
        data: { ...input, formula: jsonInput(input.formula), window: jsonInput(input.window), tiers: input.tiers ?? [] },
      });
      await this.audit.record(actor, { action: 'indicator.create', entityType: 'indicator', entityId: created.id, after: created }, tx);
      return created;
    });
  }

  async updateIndicator(actor: Principal, id: string, input: UpdateIndicatorDto): Promise<IndicatorDefinition> {
    this.checkDefinition(input.formula, input.window);
    const before = await this.prisma.indicatorDefinition.findUnique({ where: { id } });
    if (!before) throw new NotFoundError(`No indicator "${id}"`);
    return this.prisma.$transaction(async (tx) => {
      const { formula, window, ...rest } = input;
      const updated = await tx.indicatorDefinition.update({
        where: { id },
        data: {
          ...rest,
          ...(formula ? { formula: jsonInput(formula) } : {}),
          ...(window ? { window: jsonInput(window) } : {}),
          version: { increment: 1 },
        },
      });
      await this.audit.record(actor, { action: 'indicator.update', entityType: 'indicator', entityId: id, before, after: updated }, tx);
      return updated;
    });
  }

  async createTarget(actor: Principal, input: CreateTargetDto): Promise<Target> {
    await this.getIndicator(input.indicatorId);
    const unit = input.unitCode ? await this.scope.resolveUnit(actor, input.unitCode) : null;
    const appliesTo = input.appliesTo ?? (unit ? 'UNIT_SUBTREE' : 'LEVEL_EACH');
    const forUnit = appliesTo === 'UNIT_SUBTREE' || appliesTo === 'UNIT_OWN';
    if (forUnit !== !!unit)
      throw new InvalidInputError(`appliesTo ${appliesTo} needs ${forUnit ? 'a unitCode' : 'a tier and no unitCode'}`, [
        forUnit ? 'unitCode' : 'tier',
      ]);
    if (input.periodStart && input.deadline && input.periodStart > input.deadline)
      throw new InvalidInputError('periodStart must not be after deadline', ['periodStart', 'deadline']);
    const resolution = input.resolutionCode ? await this.prisma.resolution.findUnique({ where: { code: input.resolutionCode } }) : null;
    if (input.resolutionCode && !resolution) throw new NotFoundError(`No resolution "${input.resolutionCode}"`, ['resolutionCode']);
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.target.create({
        data: {
          indicatorId: input.indicatorId,
          appliesTo,
          tier: unit ? null : input.tier,
          unitId: unit?.id ?? null,
          comparator: input.comparator,
          value: input.value,
          periodStart: input.periodStart ?? null,
          deadline: input.deadline ?? null,
          resolutionId: resolution?.id ?? null,
          note: input.note ?? null,
        },
      });
      await this.audit.record(actor, { action: 'target.create', entityType: 'target', entityId: created.id, after: created }, tx);
      return created;
    });
  }

  async updateTarget(actor: Principal, id: string, input: UpdateTargetDto): Promise<Target> {
    const before = await this.prisma.target.findUnique({ where: { id } });
    if (!before) throw new NotFoundError(`No target ${id}`);
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.target.update({ where: { id }, data: input });
      await this.audit.record(actor, { action: 'target.update', entityType: 'target', entityId: id, before, after: updated }, tx);
      return updated;
    });
  }

  private checkDefinition(formula?: Record<string, unknown>, window?: Record<string, unknown>): void {
    const problems = definitionProblems(formula, window);
    if (problems.length > 0) throw new InvalidInputError(`Unknown or malformed ${problems.join(', ')}`, problems);
  }
}
