import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InvalidRuleError, validateRule, type RuleSpec, type UnitRef } from '@ioc/alerting';
import { parseDefinition, collectTerms, UnitTree, type IndicatorDefinitionData, type TargetData, type TermSpec } from '@ioc/indicators';
import { PrismaService } from '@ioc/persistence';
import { PeriodicTask } from '@ioc/platform';
import { AggregatorConfig } from '../config/aggregator-config';

/** The alert rules in force and the units they can fire on. */
export interface AlertCatalog {
  /** Enabled rules that validate (invalid ones are reported and left out). */
  rules: RuleSpec[];
  /** Units in force by code. */
  units: Map<string, UnitRef>;
  /** Where a source alert without a unit of its own belongs: the root of the tree. */
  rootCode: string | null;
}

/**
 * What the aggregator computes and judges, loaded from Postgres: enabled definitions, the unit
 * tree, targets, and the alert rules. The one cache of it in the process.
 */
export interface Catalog {
  definitions: IndicatorDefinitionData[];
  terms: TermSpec[];
  tree: UnitTree;
  unitIds: Map<string, string>;
  targets: TargetData[];
  /** Resolution code → title, for the scorecards. */
  resolutionTitles: Map<string, string>;
  alerts: AlertCatalog;
}

@Injectable()
export class CatalogService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CatalogService.name);
  private catalog?: Catalog;
  private readonly reloads: PeriodicTask;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AggregatorConfig,
  ) {
    this.reloads = new PeriodicTask(
      'Catalog reload (keeping the previous catalog)',
      config.AGGREGATOR_CATALOG_REFRESH_MS,
      () => this.reload(),
      this.logger,
    );
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.reloads.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.reloads.stop();
  }

  current(): Catalog {
    if (!this.catalog) throw new Error('Indicator catalog not loaded yet');
    return this.catalog;
  }

  /** Reloads only the alert rules and units (cheap: the alert loop does it on every tick, so a new rule applies at once). */
  async reloadAlerts(): Promise<AlertCatalog> {
    const alerts = await this.loadAlerts();
    if (this.catalog) this.catalog = { ...this.catalog, alerts };
    return alerts;
  }

  private async loadAlerts(): Promise<AlertCatalog> {
    const [rows, units] = await Promise.all([
      this.prisma.alertRule.findMany({ where: { enabled: true }, include: { unit: { select: { path: true } } } }),
      this.prisma.administrativeUnit.findMany({
        where: { validTo: null },
        select: { id: true, code: true, name: true, tier: true, path: true, depth: true },
      }),
    ]);
    const rules = rows.flatMap((row) => {
      try {
        return [validateRule({ ...row, ownerPath: row.unit?.path ?? null })];
      } catch (error) {
        if (!(error instanceof InvalidRuleError)) throw error;
        this.logger.error({ ruleId: row.id, field: error.field }, error.message);
        return [];
      }
    });
    const root = units.reduce<(typeof units)[number] | null>((top, u) => (!top || u.depth < top.depth ? u : top), null);
    return { rules, units: new Map(units.map((u) => [u.code, u])), rootCode: root?.code ?? null };
  }

  async reload(): Promise<Catalog> {
    const [definitions, units, targets, alerts] = await Promise.all([
      this.prisma.indicatorDefinition.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } }),
      this.prisma.administrativeUnit.findMany({ include: { parent: { select: { code: true } } } }),
      this.prisma.target.findMany({ include: { unit: { select: { code: true } }, resolution: { select: { code: true, title: true } } } }),
      this.loadAlerts(),
    ]);
    // A definition edited into an unusable shape is left out (and said so) rather than breaking every other one.
    const data: IndicatorDefinitionData[] = definitions.flatMap((d) => {
      const parsed = parseDefinition(d);
      if (parsed.ok) return [parsed.definition];
      this.logger.error({ indicatorId: d.id, problems: parsed.problems }, `Indicator ${d.id} skipped: ${parsed.problems.join('; ')}`);
      return [];
    });
    this.catalog = {
      definitions: data,
      terms: collectTerms(data),
      tree: new UnitTree(
        units.map((u) => ({
          code: u.code,
          officialCode: u.officialCode,
          parentCode: u.parent?.code ?? null,
          tier: u.tier,
          validFrom: u.validFrom,
          validTo: u.validTo,
        })),
      ),
      unitIds: new Map(units.map((u) => [u.code, u.id])),
      targets: targets.map((t) => ({
        id: t.id,
        indicatorId: t.indicatorId,
        appliesTo: t.appliesTo,
        tier: t.tier,
        unitCode: t.unit?.code ?? null,
        comparator: t.comparator,
        value: Number(t.value),
        periodStart: t.periodStart,
        deadline: t.deadline,
        resolutionCode: t.resolution?.code ?? null,
        note: t.note,
      })),
      resolutionTitles: new Map(targets.flatMap((t) => (t.resolution ? [[t.resolution.code, t.resolution.title] as const] : []))),
      alerts,
    };
    this.logger.debug(`Catalog loaded: ${data.length} indicators, ${units.length} units, ${targets.length} targets`);
    return this.catalog;
  }
}
