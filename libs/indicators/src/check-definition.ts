import type { Formula, IndicatorWindow, UnitTierName } from '@ioc/contracts';
import type { IndicatorDefinitionData } from './evaluate';
/**
 * Validation of formulas and windows as data (they arrive as JSON from the database or an API):
 * every problem with the path where it was found, e.g. "formula.numerator[0].filter.kind: required".
 */
const TIERS = ['PROVINCE', 'DISTRICT', 'COMMUNE'];

type Problems = string[];
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

function checkFilter(filter: unknown, path: string, problems: Problems): void {
  if (!isObject(filter)) return void problems.push(`${path}: must be an object { kind, where? }`);
  if (!nonEmptyString(filter.kind)) problems.push(`${path}.kind: must be a non-empty string`);
  if (filter.where === undefined) return;
  if (!isObject(filter.where)) return void problems.push(`${path}.where: must be an object of attribute values`);
  for (const [key, value] of Object.entries(filter.where)) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
      problems.push(`${path}.where.${key}: must be a string, number, boolean or null`);
  }
}

function checkTerm(term: unknown, path: string, problems: Problems): void {
  if (!isObject(term)) return void problems.push(`${path}: must be a term { op, filter, field? }`);
  if (!['count', 'sum', 'latest'].includes(term.op as string)) return void problems.push(`${path}.op: must be count, sum or latest`);
  checkFilter(term.filter, `${path}.filter`, problems);
  if (term.op !== 'count' && !nonEmptyString(term.field)) problems.push(`${path}.field: required for ${String(term.op)}`);
  if (term.standing !== undefined && (term.op !== 'latest' || typeof term.standing !== 'boolean'))
    problems.push(`${path}.standing: only a latest term can be standing (true or false)`);
  if (term.distinct !== undefined && (term.op !== 'latest' || !nonEmptyString(term.distinct)))
    problems.push(`${path}.distinct: only a latest term can count an attribute's values once (an attribute name)`);
}

const isPositive = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;

function checkIndex(groups: unknown, path: string, problems: Problems): void {
  if (!Array.isArray(groups) || groups.length === 0)
    return void problems.push(`${path}: must be a non-empty list of { name, weight, items }`);
  groups.forEach((group: unknown, g) => {
    const at = `${path}[${g}]`;
    if (!isObject(group)) return void problems.push(`${at}: must be an object { name, weight, items }`);
    if (!nonEmptyString(group.name)) problems.push(`${at}.name: must be a non-empty string`);
    if (!isPositive(group.weight)) problems.push(`${at}.weight: must be a positive number`);
    if (!Array.isArray(group.items)) return void problems.push(`${at}.items: must be a list of { formula, fullAt } (empty: no data yet)`);
    group.items.forEach((item: unknown, i) => {
      if (!isObject(item)) return void problems.push(`${at}.items[${i}]: must be an object { formula, fullAt }`);
      if (!isObject(item.formula) || !['ratio', 'score'].includes(item.formula.op as string))
        problems.push(`${at}.items[${i}].formula.op: must be ratio or score`);
      else problems.push(...checkFormula(item.formula, `${at}.items[${i}].formula`));
      if (!isPositive(item.fullAt)) problems.push(`${at}.items[${i}].fullAt: must be a positive number`);
    });
  });
}

function checkTerms(terms: unknown, path: string, problems: Problems): void {
  if (!Array.isArray(terms) || terms.length === 0) return void problems.push(`${path}: must be a non-empty list of terms`);
  terms.forEach((term, index) => checkTerm(term, `${path}[${index}]`, problems));
}

export function checkFormula(formula: unknown, path = 'formula'): Problems {
  const problems: Problems = [];
  if (!isObject(formula)) return [`${path}: must be an object`];
  switch (formula.op) {
    case 'count':
    case 'sum':
    case 'latest':
      checkTerm(formula, path, problems);
      break;
    case 'ratio':
      checkTerms(formula.numerator, `${path}.numerator`, problems);
      checkTerms(formula.denominator, `${path}.denominator`, problems);
      if (typeof formula.scale !== 'number' || !Number.isFinite(formula.scale) || formula.scale <= 0)
        problems.push(`${path}.scale: must be a positive number`);
      if (formula.complement !== undefined && typeof formula.complement !== 'boolean')
        problems.push(`${path}.complement: must be a boolean`);
      break;
    case 'average':
      checkFilter(formula.filter, `${path}.filter`, problems);
      if (!nonEmptyString(formula.field)) problems.push(`${path}.field: required for average`);
      break;
    case 'score':
      if (!Array.isArray(formula.minus) || formula.minus.length === 0)
        problems.push(`${path}.minus: must be a non-empty list of { numerator, denominator }`);
      else {
        formula.minus.forEach((part: unknown, index) => {
          const at = `${path}.minus[${index}]`;
          if (!isObject(part)) return void problems.push(`${at}: must be an object { numerator, denominator }`);
          checkTerms(part.numerator, `${at}.numerator`, problems);
          checkTerms(part.denominator, `${at}.denominator`, problems);
        });
      }
      if (typeof formula.scale !== 'number' || !Number.isFinite(formula.scale) || formula.scale <= 0)
        problems.push(`${path}.scale: must be a positive number`);
      break;
    case 'index':
      checkIndex(formula.groups, `${path}.groups`, problems);
      break;
    case 'freshness':
      break;
    default:
      problems.push(`${path}.op: must be count, sum, latest, ratio, average, score, index or freshness`);
  }
  return problems;
}

export function checkWindow(window: unknown, path = 'window'): Problems {
  if (!isObject(window)) return [`${path}: must be an object`];
  if (['today', 'month_to_date', 'year_to_date', 'standing'].includes(window.type as string)) return [];
  if (window.type !== 'rolling') return [`${path}.type: must be today, month_to_date, year_to_date, rolling or standing`];
  const minutes = window.minutes;
  return typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440
    ? []
    : [`${path}.minutes: must be an integer from 1 to 1440`];
}

/** Every problem of an indicator definition's formula, window and tiers; empty when it is usable. */
export function checkDefinition(definition: { formula: unknown; window: unknown; tiers: unknown }): Problems {
  const tiers = definition.tiers;
  const tierProblems =
    Array.isArray(tiers) && tiers.every((t) => TIERS.includes(t as string)) ? [] : [`tiers: must be a list of ${TIERS.join(', ')}`];
  return [...checkFormula(definition.formula), ...checkWindow(definition.window), ...tierProblems];
}

/** A definition as stored (its JSON columns untyped), or one parsed by parseDefinition. */
export interface StoredDefinition {
  id: string;
  formula: unknown;
  window: unknown;
  tiers: unknown;
}

/**
 * The one place the indicator_definitions JSON columns get their types: the row as
 * IndicatorDefinitionData when checkDefinition finds nothing wrong, else the problems found.
 */
export function parseDefinition(
  row: StoredDefinition,
): { ok: true; definition: IndicatorDefinitionData } | { ok: false; problems: string[] } {
  const problems = checkDefinition(row);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    definition: { id: row.id, formula: row.formula as Formula, window: row.window as IndicatorWindow, tiers: row.tiers as UnitTierName[] },
  };
}
