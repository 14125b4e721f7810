import type { Formula, IndicatorWindow, SourceFreshness, UnitTierName } from '@ioc/contracts';
import { bucketsOfWindow } from './buckets';
import { formulaTerms, type TermSpec } from './terms';
import type { UnitTree } from './unit-tree';

export interface IndicatorDefinitionData {
  id: string;
  formula: Formula;
  window: IndicatorWindow;
  /** Tiers the indicator applies to; empty = every tier. */
  tiers: UnitTierName[];
}

/** Read side of the aggregation state (Redis in the aggregator, memory for recomputes and tests). */
export interface IndicatorState {
  /** Amount of a term per reporting unit over the buckets (additive terms summed, gauges newest per unit). */
  term(term: TermSpec, buckets: string[]): ReadonlyMap<string, number>;
  /** Per reporting unit: sourceId → last time (ms) the source delivered events for it. */
  sources(): ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface IndicatorValue {
  indicatorId: string;
  unitCode: string;
  /** null = N/A (zero denominator, or a gauge nobody in the subtree reported). */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** The value is an age that grows by itself (freshness); it changes only meaningfully with its sources. */
  ageSeconds?: true;
}

const appliesTo = (definition: IndicatorDefinitionData, tier: UnitTierName): boolean =>
  definition.tiers.length === 0 || definition.tiers.includes(tier);

/** Sum of several terms' subtree totals; `present` when any of them has data in the subtree. */
function summedTerms(terms: TermSpec[], buckets: string[], tree: UnitTree, state: IndicatorState) {
  const total = new Map<string, number>();
  const present = new Set<string>();
  for (const term of terms) {
    const rolled = tree.subtreeTotals(state.term(term, buckets));
    for (const [code, amount] of rolled.total) total.set(code, (total.get(code) ?? 0) + amount);
    for (const code of rolled.present) present.add(code);
  }
  return { total, present };
}

/**
 * Values of one indicator for every active unit it applies to. A parent's value comes from
 * Σ numerators / Σ denominators over its subtree, never from its children's percentages.
 */
export function evaluateIndicator(definition: IndicatorDefinitionData, tree: UnitTree, state: IndicatorState, now: Date): IndicatorValue[] {
  const units = tree.activeAt(now).filter((unit) => appliesTo(definition, unit.tier));
  const { formula } = definition;
  if (formula.op === 'freshness') {
    const freshest = freshestBySubtree(tree, state);
    return units.map((unit) => {
      const last = freshest.get(unit.code);
      const value = last === undefined ? null : Math.max(0, Math.floor((now.getTime() - last) / 1000));
      return { indicatorId: definition.id, unitCode: unit.code, value, numerator: null, denominator: null, ageSeconds: true };
    });
  }
  const buckets = bucketsOfWindow(definition.window, now);
  const terms = formulaTerms(formula, definition.window);
  const numerator = summedTerms(terms.numerator, buckets, tree, state);
  const denominator = summedTerms(terms.denominator, buckets, tree, state);
  const gauge = terms.numerator.some((term) => term.kind === 'latest');
  return units.map((unit): IndicatorValue => {
    const num = numerator.total.get(unit.code) ?? 0;
    if (formula.op === 'ratio' || formula.op === 'average') {
      const den = denominator.total.get(unit.code) ?? 0;
      const scale = formula.op === 'ratio' ? formula.scale : 1;
      const share = den === 0 ? null : (num * scale) / den;
      const value = share === null ? null : formula.op === 'ratio' && formula.complement ? scale - share : share;
      return { indicatorId: definition.id, unitCode: unit.code, value, numerator: num, denominator: den };
    }
    const value = gauge && !numerator.present.has(unit.code) ? null : num;
    return { indicatorId: definition.id, unitCode: unit.code, value, numerator: value, denominator: null };
  });
}

export function evaluateAll(definitions: IndicatorDefinitionData[], tree: UnitTree, state: IndicatorState, now: Date): IndicatorValue[] {
  return definitions.flatMap((definition) => evaluateIndicator(definition, tree, state, now));
}

/** Newest delivery time of any source anywhere in each unit's subtree. */
function freshestBySubtree(tree: UnitTree, state: IndicatorState): Map<string, number> {
  const freshest = new Map<string, number>();
  for (const [unitCode, bySource] of state.sources()) {
    const newest = Math.max(...bySource.values());
    for (const code of tree.ancestorsOf(unitCode)) freshest.set(code, Math.max(freshest.get(code) ?? 0, newest));
  }
  return freshest;
}

/** Per unit, the sources feeding its subtree with their last delivery and lag (as of `now`). */
export function sourceFreshnessByUnit(tree: UnitTree, state: IndicatorState, now: Date): Map<string, SourceFreshness[]> {
  const latest = new Map<string, Map<string, number>>();
  for (const [unitCode, bySource] of state.sources()) {
    for (const code of tree.ancestorsOf(unitCode)) {
      const forUnit = latest.get(code) ?? new Map<string, number>();
      for (const [sourceId, at] of bySource) forUnit.set(sourceId, Math.max(forUnit.get(sourceId) ?? 0, at));
      latest.set(code, forUnit);
    }
  }
  const result = new Map<string, SourceFreshness[]>();
  for (const [code, bySource] of latest) {
    result.set(
      code,
      [...bySource]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([sourceId, at]) => ({
          sourceId,
          lastSuccessAt: new Date(at).toISOString(),
          lagSeconds: Math.max(0, Math.floor((now.getTime() - at) / 1000)),
        })),
    );
  }
  return result;
}
