import { Injectable } from '@nestjs/common';
import { parseDefinition, collectTerms, UnitTree, type EventCatalog, type EventLimits, type EventRules } from '@ioc/indicators';
import { PrismaService } from '@ioc/persistence';
import { ConnectorsConfig } from '../config/connectors-config';

/** Matches the aggregator's catalog refresh, so both judge against the same units and indicators. */
const REFRESH_MS = 30_000;

/**
 * The aggregator's event-validity rule as the connectors apply it at push and pull: the same
 * function (@ioc/indicators validateEvent), the same limits (EventRulesConfig) and the same
 * catalog (enabled, usable indicator definitions and the unit tree with validity dates).
 */
@Injectable()
export class EventRulesService {
  private cache: { catalog: EventCatalog; at: number } | undefined;
  private readonly limits: EventLimits;

  constructor(
    private readonly prisma: PrismaService,
    config: ConnectorsConfig,
  ) {
    this.limits = config.eventLimits();
  }

  async rules(now = new Date()): Promise<EventRules> {
    if (!this.cache || Date.now() - this.cache.at > REFRESH_MS) this.cache = { catalog: await this.load(), at: Date.now() };
    return { ...this.cache.catalog, limits: this.limits, now };
  }

  private async load(): Promise<EventCatalog> {
    const [definitions, units] = await Promise.all([
      this.prisma.indicatorDefinition.findMany({
        where: { enabled: true },
        select: { id: true, formula: true, window: true, tiers: true },
      }),
      this.prisma.administrativeUnit.findMany({ include: { parent: { select: { code: true } } } }),
    ]);
    const usable = definitions.flatMap((definition) => {
      const parsed = parseDefinition(definition);
      return parsed.ok ? [parsed.definition] : [];
    });
    return {
      terms: collectTerms(usable),
      tree: new UnitTree(
        units.map((u) => ({ code: u.code, parentCode: u.parent?.code ?? null, tier: u.tier, validFrom: u.validFrom, validTo: u.validTo })),
      ),
    };
  }
}
