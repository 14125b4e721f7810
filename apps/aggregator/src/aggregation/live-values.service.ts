import { Injectable } from '@nestjs/common';
import { streamKey, type IndicatorUpdate, type ResolutionScorecard, type SourceFreshness, type TargetStatus } from '@ioc/contracts';
import {
  definitionsMovedBy,
  evaluateAll,
  evaluateOwnAggregate,
  judgedReading,
  projectToDeadline,
  scorecards,
  sourceFreshnessByUnit,
  targetFor,
  targetStatus,
  type IndicatorDefinitionData,
  type IndicatorState,
  type IndicatorValue,
  type TargetData,
  type TargetInputs,
  type TrendPoint,
  type UnitTree,
} from '@ioc/indicators';
import { type Catalog, CatalogService } from '../catalog/catalog.service';
import { DeadlineResultsService } from './deadline-results.service';
import { TrendService } from './trend.service';
import { StateStoreService } from './state-store.service';

export interface LiveValue extends IndicatorValue {
  target: number | null;
  judged: IndicatorUpdate['judged'];
  status: TargetStatus;
  freshness: SourceFreshness[];
}

export interface LiveComputation {
  values: LiveValue[];
  scorecards: ResolutionScorecard[];
}

/**
 * Every indicator for every unit as of `now`, with its target, status and source freshness, and
 * the resolution scorecards; or only the indicators events of some kinds can move.
 */
@Injectable()
export class LiveValuesService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly store: StateStoreService,
    private readonly trend: TrendService,
    private readonly deadlines: DeadlineResultsService,
  ) {}

  async compute(now: Date): Promise<LiveValue[]> {
    return (await this.computeWithScorecards(now)).values;
  }

  async computeWithScorecards(now: Date): Promise<LiveComputation> {
    const catalog = this.catalog.current();
    const { values, inputs } = await this.evaluate(catalog, catalog.definitions, now);
    const { targets, resolutionTitles } = catalog;
    return { values, scorecards: scorecards(targets, inputs, resolutionTitles, this.deadlines.resultsAt(now)) };
  }

  /**
   * The values of the indicators that events of these kinds can move (definitionsMovedBy), all
   * their units, read from only the buckets they need: what a change publishes, a fraction of the
   * full recompute. A target judges its own indicator, so each value is exact.
   */
  async computeMovedBy(kinds: ReadonlySet<string>, now: Date): Promise<LiveValue[]> {
    const catalog = this.catalog.current();
    return (await this.evaluate(catalog, definitionsMovedBy(catalog.definitions, kinds), now)).values;
  }

  private async evaluate(
    { tree, targets, definitions: catalogued }: Catalog,
    definitions: IndicatorDefinitionData[],
    now: Date,
  ): Promise<{ values: LiveValue[]; inputs: TargetInputs }> {
    const state = await this.store.read(definitions, now);
    const freshness = sourceFreshnessByUnit(tree, state, now);
    const evaluated = evaluateAll(definitions, tree, state, now);
    const inputs = this.targetInputs(catalogued, tree, evaluated, state, now);
    const values = evaluated.map((value): LiveValue => {
      const unit = tree.get(value.unitCode)!;
      const target = targetFor(targets, value.indicatorId, unit, tree, now);
      const judged = target ? judgedReading(target, value, inputs) : null;
      const projection =
        target?.deadline && judged?.value != null
          ? projectToDeadline([...this.trendOf(target, value), { at: now, value: judged.value }], target.deadline)
          : null;
      return {
        ...value,
        target: target?.value ?? null,
        judged: target && judged ? { appliesTo: target.appliesTo, comparator: target.comparator, value: judged.value } : null,
        status: target && judged ? targetStatus(judged.value, target, now, projection) : targetStatus(value.value, null, now),
        freshness: freshness.get(value.unitCode) ?? [],
      };
    });
    return { values, inputs };
  }

  /** The daily history of the reading a target judges (none is kept for level aggregates). */
  private trendOf(target: TargetData, value: IndicatorValue): TrendPoint[] {
    const key = streamKey(value.indicatorId, value.unitCode);
    if (target.appliesTo === 'LEVEL_AGGREGATE') return [];
    return this.trend.points(target.appliesTo === 'UNIT_SUBTREE' ? key : `${key}:own`);
  }

  private targetInputs(
    definitions: readonly IndicatorDefinitionData[],
    tree: UnitTree,
    values: readonly IndicatorValue[],
    state: IndicatorState,
    now: Date,
  ): TargetInputs {
    const byStream = new Map(values.map((v) => [streamKey(v.indicatorId, v.unitCode), v]));
    return {
      tree,
      now,
      valueOf: (indicatorId, unitCode) => byStream.get(streamKey(indicatorId, unitCode)),
      ownAggregate: (indicatorId, unitCodes) => {
        const definition = definitions.find((d) => d.id === indicatorId);
        return definition ? evaluateOwnAggregate(definition, unitCodes, state, now) : { value: null, numerator: null, denominator: null };
      },
    };
  }
}
