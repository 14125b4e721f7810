import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validateRule } from '@ioc/alerting';
import { type AlertRule, jsonInput, PrismaService, type Prisma } from '@ioc/persistence';
import { AuditService } from '../audit/audit.service';
import { isProvinceWide, ownedWithin, ownsObject, type Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../common/domain-errors';
import { fieldErrors } from '../common/validation';
import { type CreateAlertRuleDto, PARAMS_BY_KIND, type UpdateAlertRuleDto } from './dto/alert-rule.dto';

type RuleInput = Required<
  Pick<CreateAlertRuleDto, 'name' | 'kind' | 'params' | 'severity' | 'forSeconds' | 'keepFiringSeconds' | 'enabled'>
> &
  Pick<CreateAlertRuleDto, 'indicatorId' | 'scope'>;

/** Alert rules as data: validated by kind, kept inside the author's scope, every change audited. */
@Injectable()
export class AlertRulesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
  ) {}

  /** Rules owned by units in the caller's subtree. */
  list(principal: Principal): Promise<AlertRule[]> {
    return this.prisma.alertRule.findMany({ where: ownedWithin(principal), orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  /** The rule, when its owner unit lies in the caller's subtree; refusals are audited. */
  async get(principal: Principal, id: string): Promise<AlertRule> {
    const rule = await this.prisma.alertRule.findUnique({ where: { id }, include: { unit: { select: { code: true, path: true } } } });
    if (!rule) throw new NotFoundError(`No alert rule ${id}`);
    const { unit, ...row } = rule;
    if (!ownsObject(principal, unit)) {
      await this.audit.record(principal, { action: 'alert_rule.refused', entityType: 'alert_rule', entityId: id, before: row });
      throw new ForbiddenError(`Alert rule ${id} belongs to unit ${unit?.code ?? 'province'}, outside your scope (${principal.unitCode})`);
    }
    return row;
  }

  async create(actor: Principal, input: CreateAlertRuleDto): Promise<AlertRule> {
    const data = await this.checked(actor, { forSeconds: 0, keepFiringSeconds: 0, enabled: true, ...input });
    return this.prisma.$transaction(async (tx) => {
      // Owned by the author's unit; a province-wide author's rules are the province's (system) rules.
      const row = await tx.alertRule.create({ data: { ...data, unitId: isProvinceWide(actor) ? null : actor.unitId } });
      await this.audit.record(actor, { action: 'alert_rule.create', entityType: 'alert_rule', entityId: row.id, after: row }, tx);
      return row;
    });
  }

  /** Changes are merged into the stored rule and the result is validated as a whole (a new kind needs its params). */
  async update(actor: Principal, id: string, input: UpdateAlertRuleDto): Promise<AlertRule> {
    const before = await this.get(actor, id);
    const merged: RuleInput = {
      name: before.name,
      kind: before.kind,
      indicatorId: before.indicatorId ?? undefined,
      params: before.params as Record<string, unknown>,
      severity: before.severity,
      scope: before.scope as CreateAlertRuleDto['scope'],
      forSeconds: before.forSeconds,
      keepFiringSeconds: before.keepFiringSeconds,
      enabled: before.enabled,
      ...input,
    };
    const data = await this.checked(actor, merged);
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.alertRule.update({ where: { id }, data });
      await this.audit.record(actor, { action: 'alert_rule.update', entityType: 'alert_rule', entityId: id, before, after: row }, tx);
      return row;
    });
  }

  async remove(actor: Principal, id: string): Promise<void> {
    const before = await this.get(actor, id);
    await this.prisma.$transaction(async (tx) => {
      await tx.alertRule.delete({ where: { id } });
      await this.audit.record(actor, { action: 'alert_rule.delete', entityType: 'alert_rule', entityId: id, before }, tx);
    });
  }

  private async checked(actor: Principal, input: RuleInput): Promise<Prisma.AlertRuleUncheckedCreateInput> {
    const paramsClass = PARAMS_BY_KIND[input.kind];
    const errors = validateSync(plainToInstance(paramsClass, input.params), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      const fields = fieldErrors(errors, 'params');
      throw new InvalidInputError(
        `Invalid params for ${input.kind}: ${fields.map((f) => `${f.field} (${f.errors.join(', ')})`).join('; ')}`,
        fields.map((f) => f.field),
      );
    }
    if (input.indicatorId && !(await this.prisma.indicatorDefinition.findUnique({ where: { id: input.indicatorId } }))) {
      throw new InvalidInputError(`Unknown indicator ${input.indicatorId}`, ['indicatorId']);
    }
    const scope = input.scope ?? {};
    const named = [...(scope.unitCodes ?? []), ...(scope.subtreeOf ? [scope.subtreeOf] : [])];
    if (named.length > 0) await this.scope.resolveUnits(actor, [...new Set(named)]);
    else if (actor.unitPath.split('/').filter(Boolean).length > 1) {
      throw new ForbiddenError(
        `A rule over the whole province needs a province-level author; name scope.subtreeOf or scope.unitCodes inside ${actor.unitCode}`,
      );
    }
    const data = {
      name: input.name,
      kind: input.kind,
      indicatorId: input.indicatorId ?? null,
      params: jsonInput(input.params),
      severity: input.severity,
      scope: jsonInput({ ...scope }),
      forSeconds: input.forSeconds,
      keepFiringSeconds: input.keepFiringSeconds,
      enabled: input.enabled,
    };
    // The evaluator's own check, so nothing is stored that the aggregator would refuse.
    validateRule({ id: 'new', ...data });
    return data;
  }
}
