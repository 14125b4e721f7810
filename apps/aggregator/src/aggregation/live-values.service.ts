import { Injectable } from '@nestjs/common';
import { streamKey, type ResolutionScorecard, type SourceFreshness, type TargetStatus } from '@ioc/contracts';
import { evaluateAll, projectToDeadline, scorecards, sourceFreshnessByUnit, targetFor, targetStatus, type IndicatorValue } from '@ioc/indicators';
import { CatalogService } from '../catalog/catalog.service';
import { TrendService } from './trend.service';
import { StateStoreService } from './state-store.service';

export interface LiveValue extends IndicatorValue {
  target: number | null;
  status: TargetStatus;
  freshness: SourceFreshness[];
}

/** Every indicator for every unit as of `now`, with its target, status and source freshness. */
@Injectable()
export class LiveValuesService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly store: StateStoreService,
    private readonly trend: TrendService,
  ) {}

  async compute(now: Date): Promise<LiveValue[]> {
    const { definitions, tree, targets } = this.catalog.current();
    const state = await this.store.read(definitions, now);
    const freshness = sourceFreshnessByUnit(tree, state, now);
    return evaluateAll(definitions, tree, state, now).map((value): LiveValue => {
      const unit = tree.get(value.unitCode)!;
      const target = targetFor(targets, value.indicatorId, unit);
      const projection =
        target?.deadline && value.value !== null
          ? projectToDeadline([...this.trend.points(streamKey(value.indicatorId, value.unitCode)), { at: now, value: value.value }], target.deadline)
          : null;
      return {
        ...value,
        target: target?.value ?? null,
        status: targetStatus(value.value, target, now, projection),
        freshness: freshness.get(value.unitCode) ?? [],
      };
    });
  }

  /** The scorecard of every resolution with targets, from values computed at `now`. */
  scorecards(values: readonly LiveValue[], now: Date): ResolutionScorecard[] {
    const { tree, targets } = this.catalog.current();
    const byStream = new Map(values.map((v) => [streamKey(v.indicatorId, v.unitCode), v.value]));
    return scorecards(targets, (indicatorId, unitCode) => byStream.get(streamKey(indicatorId, unitCode)) ?? null, tree, now);
  }
}
