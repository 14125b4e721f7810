import type { IndicatorDefinitionData } from './evaluate';
import { formulaTerms } from './terms';

const kindsRead = new WeakMap<IndicatorDefinitionData, ReadonlySet<string>>();

/** The event kinds a definition's terms read (numerator, denominator and presence). */
function kindsOf(definition: IndicatorDefinitionData): ReadonlySet<string> {
  let kinds = kindsRead.get(definition);
  if (!kinds) {
    const { numerator, denominator } = formulaTerms(definition.formula, definition.window);
    kinds = new Set([...numerator, ...denominator].map((term) => term.filter.kind));
    kindsRead.set(definition, kinds);
  }
  return kinds;
}

/**
 * The definitions whose values events of these kinds can move: those with a term reading one of
 * the kinds, and every freshness indicator (each event is also its source's delivery). Time moves
 * the others (windows rolling over, deadlines nearing), which a full recompute covers.
 */
export function definitionsMovedBy<D extends IndicatorDefinitionData>(definitions: readonly D[], kinds: ReadonlySet<string>): D[] {
  return definitions.filter(
    (definition) => definition.formula.op === 'freshness' || [...kindsOf(definition)].some((kind) => kinds.has(kind)),
  );
}
