import type { Formula, IndicatorReading, IndicatorWindow, SourceFreshness, UnitTierName } from '@ioc/contracts';
import { ALL_TIME_BUCKET, bucketsOfWindow } from './buckets';
import { DISTINCT_SEPARATOR } from './contributions';
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
  /** Of a distinct term: per unit, the attribute values with a positive reading (counted once over a set of units). */
  values?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A formula's parts with the amounts of their terms, own per reporting unit or rolled up per subtree. */
type PartAmounts = { numerator: TermAmounts[]; denominator: TermAmounts[] }[];

const sumOver = (terms: TermAmounts[], codes: readonly string[]): { total: number; present: boolean } => {
  let total = 0;
  let present = false;
  for (const term of terms) {
    // A distinct term counts each value once over all the codes.
    const values = term.values && new Set<string>();
    for (const code of codes) {
      if (values) for (const value of term.values!.get(code) ?? []) values.add(value);
      else total += term.amount.get(code) ?? 0;
      present ||= term.present.has(code);
    }
    total += values?.size ?? 0;
  }
  return { total, present };
};

type ShareFormula = Extract<Formula, { op: 'ratio' | 'score' }>;
const partsOf = (formula: ShareFormula): number => (formula.op === 'score' ? formula.minus.length : 1);

/**
 * A composite index (Decision 766): each group earns its weight times the mean of its items'
 * fractions of full points (value / fullAt, capped at 1) over the items with data; the index is
 * the points earned over the points of the groups with data, out of 100; N/A when none has data.
 */
function indexReading(formula: Extract<Formula, { op: 'index' }>, parts: PartAmounts, codes: readonly string[]): IndicatorReading {
  let offset = 0;
  let earned = 0;
  let atStake = 0;
  for (const group of formula.groups) {
    const fractions: number[] = [];
    for (const item of group.items) {
      const { value } = readingOf(item.formula, parts.slice(offset, offset + partsOf(item.formula)), codes);
      offset += partsOf(item.formula);
      if (value !== null) fractions.push(Math.min(1, value / item.fullAt));
    }
    if (fractions.length === 0) continue;
    earned += (group.weight * fractions.reduce((sum, fraction) => sum + fraction, 0)) / fractions.length;
    atStake += group.weight;
  }
  return atStake === 0
    ? { value: null, numerator: null, denominator: null }
    : { value: (earned * 100) / atStake, numerator: earned, denominator: atStake };
}

/**
 * A formula applied to the term totals over a set of units (a subtree's rolled-up totals are
 * one "unit"). Ratios and averages are Σ numerators / Σ denominators, N/A on a zero denominator;
 * a score is scale − Σ shares × scale, never below 0, N/A when any share has no denominator.
 */
function readingOf(formula: Formula, parts: PartAmounts, codes: readonly string[]): IndicatorReading {
  if (formula.op === 'index') return indexReading(formula, parts, codes);
  const shares = parts.map((part) => ({ num: sumOver(part.numerator, codes), den: sumOver(part.denominator, codes) }));
  switch (formula.op) {
    case 'count':
    case 'sum':
    case 'latest': {
      // A count is 0 when nothing happened, N/A only where no unit ever reported that kind (no such source).
      const { num } = shares[0]!;
      const value = num.present ? num.total : null;
      return { value, numerator: value, denominator: null };
    }
    case 'ratio':
    case 'average': {
      const { num, den } = shares[0]!;
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

/** A distinct term's readings per (unit, value) as, per unit, the values read positive. */
function distinctAmounts(readings: ReadonlyMap<string, number>): TermAmounts {
  const values = new Map<string, Set<string>>();
  for (const [key, reading] of readings) {
    const at = key.indexOf(DISTINCT_SEPARATOR);
    const unit = key.slice(0, at);
    const forUnit = values.get(unit) ?? new Set<string>();
    if (reading > 0) forUnit.add(key.slice(at + 1));
    values.set(unit, forUnit);
  }
  return { amount: new Map([...values].map(([unit, set]) => [unit, set.size])), present: new Set(values.keys()), values };
}

function ownAmounts(definition: IndicatorDefinitionData, state: IndicatorState, now: Date): PartAmounts {
  const buckets = bucketsOfWindow(definition.window, now);
  const read = (term: TermSpec): TermAmounts => {
    const amount = state.term(term, term.granularities[0] === 'all' ? [ALL_TIME_BUCKET] : buckets);
    return term.distinct ? distinctAmounts(amount) : { amount, present: new Set(amount.keys()) };
  };
  return formulaParts(definition.formula, definition.window).map((part) => {
    const numerator = part.numerator.map(read);
    if (!part.presence) return { numerator, denominator: part.denominator.map(read) };
    // A count is present where its source ever reported that kind, and 0 there when nothing happened in the window.
    const present = new Set(part.presence.flatMap((term) => [...state.term(term, [ALL_TIME_BUCKET]).keys()]));
    return { numerator: numerator.map((term) => ({ amount: term.amount, present })), denominator: [] };
  });
}

/** Per unit, the values of its whole subtree (each once). */
const subtreeValues = (values: ReadonlyMap<string, ReadonlySet<string>>, tree: UnitTree): Map<string, Set<string>> => {
  const result = new Map<string, Set<string>>();
  for (const [code, own] of values) {
    for (const ancestor of tree.ancestorsOf(code)) {
      const forUnit = result.get(ancestor) ?? new Set<string>();
      for (const value of own) forUnit.add(value);
      result.set(ancestor, forUnit);
    }
  }
  return result;
};

const rolledUp = (parts: PartAmounts, tree: UnitTree): PartAmounts => {
  const roll = (term: TermAmounts): TermAmounts => {
    const present = tree.subtreeTotals(new Map([...term.present].map((code) => [code, 0]))).present;
    if (!term.values) return { amount: tree.subtreeTotals(term.amount).total, present };
    const values = subtreeValues(term.values, tree);
    return { amount: new Map([...values].map(([code, set]) => [code, set.size])), present, values };
  };
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
    const age = (last: number | undefined): number | null =>
      last === undefined ? null : Math.max(0, Math.floor((now.getTime() - last) / 1000));
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
export function evaluateOwnAggregate(
  definition: IndicatorDefinitionData,
  unitCodes: readonly string[],
  state: IndicatorState,
  now: Date,
): IndicatorReading {
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
