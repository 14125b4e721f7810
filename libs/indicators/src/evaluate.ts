import type { Formula, IndicatorReading, IndicatorWindow, SourceFreshness, UnitTierName } from '@ioc/contracts';
import { ALL_TIME_BUCKET, bucketsOfWindow } from './buckets';
import { formulaParts, type TermSpec } from './terms';
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

/** value / numerator / denominator are over the unit's subtree; null = N/A (zero denominator, or a gauge nobody in the subtree reported). */
export interface IndicatorValue extends IndicatorReading {
  indicatorId: string;
  unitCode: string;
  /** Over the unit's own records only (its own offices, not the units below it). */
  own: IndicatorReading;
  /** The value is an age that grows by itself (freshness); it changes only meaningfully with its sources. */
  ageSeconds?: true;
}

const appliesTo = (definition: IndicatorDefinitionData, tier: UnitTierName): boolean =>
  definition.tiers.length === 0 || definition.tiers.includes(tier);

/** Amounts of each term per unit, and which units reported anything for it. */
interface TermAmounts {
  amount: ReadonlyMap<string, number>;
  present: ReadonlySet<string>;
}

/** A formula's parts with the amounts of their terms, own per reporting unit or rolled up per subtree. */
type PartAmounts = { numerator: TermAmounts[]; denominator: TermAmounts[] }[];

const sumOver = (terms: TermAmounts[], codes: readonly string[]): { total: number; present: boolean } => {
  let total = 0;
  let present = false;
  for (const term of terms) {
    for (const code of codes) {
      total += term.amount.get(code) ?? 0;
      present ||= term.present.has(code);
    }
  }
  return { total, present };
};

/**
 * A formula applied to the term totals over a set of units (a subtree's rolled-up totals are
 * one "unit"). Ratios and averages are Σ numerators / Σ denominators, N/A on a zero denominator;
 * a score is scale − Σ shares × scale, never below 0, N/A when any share has no denominator.
 */
function readingOf(formula: Formula, parts: PartAmounts, codes: readonly string[]): IndicatorReading {
  const shares = parts.map((part) => ({ num: sumOver(part.numerator, codes), den: sumOver(part.denominator, codes) }));
  switch (formula.op) {
    case 'count':
    case 'sum':
    case 'latest': {
      // A count is 0 when nothing happened, N/A only where no unit ever reported that kind (no such source).
      const [{ num }] = shares;
      const value = num.present ? num.total : null;
      return { value, numerator: value, denominator: null };
    }
    case 'ratio':
    case 'average': {
      const [{ num, den }] = shares;
      const scale = formula.op === 'ratio' ? formula.scale : 1;
      const share = den.total === 0 ? null : (num.total * scale) / den.total;
      const value = share === null ? null : formula.op === 'ratio' && formula.complement ? scale - share : share;
      return { value, numerator: num.total, denominator: den.total };
    }
    case 'score': {
      if (shares.some((share) => share.den.total === 0)) return { value: null, numerator: null, denominator: null };
      const lost = shares.reduce((sum, share) => sum + (share.num.total * formula.scale) / share.den.total, 0);
      return { value: Math.max(0, formula.scale - lost), numerator: null, denominator: null };
    }
    case 'freshness':
      return { value: null, numerator: null, denominator: null };
  }
}

function ownAmounts(definition: IndicatorDefinitionData, state: IndicatorState, now: Date): PartAmounts {
  const buckets = bucketsOfWindow(definition.window, now);
  const read = (term: TermSpec): TermAmounts => {
    const amount = state.term(term, term.granularities[0] === 'all' ? [ALL_TIME_BUCKET] : buckets);
    return { amount, present: new Set(amount.keys()) };
  };
  return formulaParts(definition.formula, definition.window).map((part) => {
    const numerator = part.numerator.map(read);
    if (!part.presence) return { numerator, denominator: part.denominator.map(read) };
    // A count is present where its source ever reported that kind, and 0 there when nothing happened in the window.
    const present = new Set(part.presence.flatMap((term) => [...state.term(term, [ALL_TIME_BUCKET]).keys()]));
    return { numerator: numerator.map((term) => ({ amount: term.amount, present })), denominator: [] };
  });
}

const rolledUp = (parts: PartAmounts, tree: UnitTree): PartAmounts => {
  const roll = (term: TermAmounts): TermAmounts => ({
    amount: tree.subtreeTotals(term.amount).total,
    present: tree.subtreeTotals(new Map([...term.present].map((code) => [code, 0]))).present,
  });
  return parts.map((part) => ({ numerator: part.numerator.map(roll), denominator: part.denominator.map(roll) }));
};

/**
 * Values of one indicator for every active unit it applies to, over its subtree and over its own
 * records. A parent's value comes from Σ numerators / Σ denominators over its subtree, never
 * from its children's percentages.
 */
export function evaluateIndicator(definition: IndicatorDefinitionData, tree: UnitTree, state: IndicatorState, now: Date): IndicatorValue[] {
  const units = tree.activeAt(now).filter((unit) => appliesTo(definition, unit.tier));
  const { formula } = definition;
  if (formula.op === 'freshness') {
    const freshest = freshestBySubtree(tree, state);
    const ownSources = state.sources();
    const age = (last: number | undefined): number | null => (last === undefined ? null : Math.max(0, Math.floor((now.getTime() - last) / 1000)));
    return units.map((unit) => {
      const own = ownSources.get(unit.code);
      const value = age(freshest.get(unit.code));
      return {
        indicatorId: definition.id,
        unitCode: unit.code,
        value,
        numerator: null,
        denominator: null,
        own: { value: age(own && own.size > 0 ? Math.max(...own.values()) : undefined), numerator: null, denominator: null },
        ageSeconds: true,
      };
    });
  }
  const own = ownAmounts(definition, state, now);
  const subtree = rolledUp(own, tree);
  return units.map((unit): IndicatorValue => ({
    indicatorId: definition.id,
    unitCode: unit.code,
    ...readingOf(formula, subtree, [unit.code]),
    own: readingOf(formula, own, [unit.code]),
  }));
}

/** The indicator over the own records of a set of units taken together (a level's agencies as a whole). */
export function evaluateOwnAggregate(definition: IndicatorDefinitionData, unitCodes: readonly string[], state: IndicatorState, now: Date): IndicatorReading {
  if (definition.formula.op === 'freshness') return { value: null, numerator: null, denominator: null };
  return readingOf(definition.formula, ownAmounts(definition, state, now), unitCodes);
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
