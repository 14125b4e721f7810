import { Injectable, Logger } from '@nestjs/common';
import { streamKey as keyOf, type TargetResult } from '@ioc/contracts';
import {
  deadlineEnd,
  evaluateIndicator,
  evaluateOwnAggregate,
  evaluateTarget,
  type IndicatorValue,
  type TargetData,
} from '@ioc/indicators';
import { CatalogService } from '../catalog/catalog.service';
import { StoredEventsService } from './stored-events.service';

/** A result is recomputed at most this often (late events for a closed period are rare, the query is not small). */
const RECOMPUTE_AFTER_MS = 3_600_000;

/**
 * Each passed target's result as of the end of its deadline day, recomputed from the stored
 * events (so it does not depend on the aggregator having run that day) and kept for an hour.
 */
@Injectable()
export class DeadlineResultsService {
  private readonly logger = new Logger(DeadlineResultsService.name);
  private readonly results = new Map<string, { result: TargetResult; computedAt: number; signature: string }>();
  private readonly pending = new Set<string>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly stored: StoredEventsService,
  ) {}

  /** Results known for targets whose deadline passed before `now`; missing ones are computed in the background. */
  resultsAt(now: Date): Map<string, TargetResult> {
    const known = new Map<string, TargetResult>();
    for (const target of this.catalog.current().targets) {
      if (!target.deadline || deadlineEnd(target.deadline) > now) continue;
      const signature = JSON.stringify([
        target.indicatorId,
        target.appliesTo,
        target.tier,
        target.unitCode,
        target.comparator,
        target.value,
        target.deadline,
      ]);
      const cached = this.results.get(target.id);
      if (cached && cached.signature === signature) known.set(target.id, cached.result);
      if (
        (!cached || cached.signature !== signature || now.getTime() - cached.computedAt > RECOMPUTE_AFTER_MS) &&
        !this.pending.has(target.id)
      ) {
        this.pending.add(target.id);
        this.compute(target, signature, now)
          .catch((error: unknown) => this.logger.error({ targetId: target.id }, `Result at deadline failed: ${String(error)}`))
          .finally(() => this.pending.delete(target.id));
      }
    }
    return known;
  }

  /** The target's result at the end of its deadline day. */
  async compute(target: TargetData, signature: string, now: Date): Promise<TargetResult> {
    const { definitions, tree } = this.catalog.current();
    const definition = definitions.find((d) => d.id === target.indicatorId);
    const at = new Date(deadlineEnd(target.deadline!).getTime() - 1);
    const state = definition ? await this.stored.stateAt(definition, at) : undefined;
    const values =
      definition && state
        ? new Map(evaluateIndicator(definition, tree, state, at).map((v) => [keyOf(v.indicatorId, v.unitCode), v]))
        : new Map<string, IndicatorValue>();
    const result = evaluateTarget(target, {
      tree,
      now: at,
      valueOf: (indicatorId, unitCode) => values.get(keyOf(indicatorId, unitCode)),
      ownAggregate: (_indicatorId, unitCodes) =>
        definition && state ? evaluateOwnAggregate(definition, unitCodes, state, at) : { value: null, numerator: null, denominator: null },
    });
    this.results.set(target.id, { result, computedAt: now.getTime(), signature });
    return result;
  }
}
