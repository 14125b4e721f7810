import { Injectable } from '@nestjs/common';
import { type IndicatorReading, type IndicatorUpdate, streamKey } from '@ioc/contracts';
import { combineLineageHistory, parseDefinition } from '@ioc/indicators';
import { PrismaService } from '@ioc/persistence';
import type { Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors';
import { IndicatorStreamService } from '../live/indicator-stream.service';
import type { HistoryQueryDto, ValuesQueryDto } from './dto/values-query.dto';

/** Most points one history request may return. */
const MAX_HISTORY_POINTS = 5000;

/** One stored value: over the unit's subtree, and over its own records (`own`). */
export interface HistoryPoint extends IndicatorReading {
  bucketStart: string;
  own: IndicatorReading;
  asOf: string;
}

@Injectable()
export class ValuesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly scope: ScopeService,
    private readonly stream: IndicatorStreamService,
  ) {}

  /** Current values (the same the live snapshot sends); streams without a value yet are left out. */
  async current(principal: Principal, query: ValuesQueryDto): Promise<IndicatorUpdate[]> {
    const units = await this.scope.resolveUnits(principal, query.units, query.subtree ?? false);
    await this.requireIndicators(query.indicators);
    const keys = query.indicators.flatMap((indicatorId) => units.map((unit) => streamKey(indicatorId, unit.code)));
    const { latest } = await this.stream.latest(keys);
    return keys.flatMap((key) => latest.get(key) ?? []);
  }

  async history(
    principal: Principal,
    query: HistoryQueryDto,
  ): Promise<{ indicator: string; unit: string; resolution: string; points: HistoryPoint[] }> {
    if (query.from >= query.to) throw new InvalidInputError('from must be before to', ['from', 'to']);
    const unit = await this.scope.resolveUnit(principal, query.unit);
    await this.requireIndicators([query.indicator]);
    // Before a merger the unit's past is that of the units merged into it, combined like a subtree.
    const lineage = await this.scope.lineage(unit);
    const stored = await this.prisma.indicatorSnapshot.findMany({
      where: {
        indicatorId: query.indicator,
        unitId: { in: lineage.map((u) => u.id) },
        resolution: query.resolution,
        bucketStart: { gte: query.from, lt: query.to },
      },
      orderBy: { bucketStart: 'asc' },
      take: lineage.length * (MAX_HISTORY_POINTS + 1),
    });
    const definition = parseDefinition(
      await this.prisma.indicatorDefinition.findUniqueOrThrow({
        where: { id: query.indicator },
        select: { id: true, formula: true, window: true, tiers: true },
      }),
    );
    if (!definition.ok) throw new ConflictError(`Indicator ${query.indicator} is not usable: ${definition.problems.join('; ')}`);
    const rows = lineage.length === 1 ? stored : combineLineageHistory(definition.definition.formula, stored);
    if (rows.length > MAX_HISTORY_POINTS) {
      throw new InvalidInputError(`More than ${MAX_HISTORY_POINTS} points: narrow the range or use a coarser resolution`, [
        'from',
        'to',
        'resolution',
      ]);
    }
    return {
      indicator: query.indicator,
      unit: unit.code,
      resolution: query.resolution,
      points: rows.map((row) => ({
        bucketStart: row.bucketStart.toISOString(),
        value: row.value,
        numerator: row.numerator,
        denominator: row.denominator,
        own: { value: row.ownValue, numerator: row.ownNumerator, denominator: row.ownDenominator },
        asOf: row.asOf.toISOString(),
      })),
    };
  }

  private async requireIndicators(ids: string[]): Promise<void> {
    const known = await this.prisma.indicatorDefinition.findMany({ where: { id: { in: ids } }, select: { id: true } });
    const unknown = ids.filter((id) => !known.some((row) => row.id === id));
    if (unknown.length > 0) throw new NotFoundError(`Unknown indicator(s): ${unknown.join(', ')}`, ['indicators']);
  }
}
