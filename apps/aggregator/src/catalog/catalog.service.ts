import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Formula, IndicatorWindow, UnitTierName } from '@ioc/contracts';
import { checkDefinition, collectTerms, UnitTree, type IndicatorDefinitionData, type TargetData, type TermSpec } from '@ioc/indicators';
import { PrismaService } from '@ioc/persistence';
import { PeriodicTask } from '@ioc/platform';
import { AggregatorConfig } from '../config/aggregator-config';

/** What the aggregator computes, loaded from Postgres: enabled definitions, the unit tree, targets. */
export interface Catalog {
  definitions: IndicatorDefinitionData[];
  terms: TermSpec[];
  tree: UnitTree;
  unitIds: Map<string, string>;
  targets: TargetData[];
  /** Resolution code → title, for the scorecards. */
  resolutionTitles: Map<string, string>;
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

  async reload(): Promise<Catalog> {
    const [definitions, units, targets] = await Promise.all([
      this.prisma.indicatorDefinition.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } }),
      this.prisma.administrativeUnit.findMany({ include: { parent: { select: { code: true } } } }),
      this.prisma.target.findMany({ include: { unit: { select: { code: true } }, resolution: { select: { code: true, title: true } } } }),
    ]);
    // A definition edited into an unusable shape is left out (and said so) rather than breaking every other one.
    const usable = definitions.filter((d) => {
      const problems = checkDefinition(d);
      if (problems.length > 0) this.logger.error({ indicatorId: d.id, problems }, `Indicator ${d.id} skipped: ${problems.join('; ')}`);
      return problems.length === 0;
    });
    const data: IndicatorDefinitionData[] = usable.map((d) => ({
      id: d.id,
      formula: d.formula as unknown as Formula,
      window: d.window as unknown as IndicatorWindow,
      tiers: d.tiers as UnitTierName[],
    }));
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
    };
    this.logger.debug(`Catalog loaded: ${data.length} indicators, ${units.length} units, ${targets.length} targets`);
    return this.catalog;
  }
}
