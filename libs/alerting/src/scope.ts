import type { RuleScope, UnitRef } from './types';

/** True when the unit is inside the rule's scope (every given criterion holds). */
export function inScope(scope: RuleScope, unit: UnitRef): boolean {
  if (scope.unitIds && !scope.unitIds.includes(unit.id)) return false;
  if (scope.unitCodes && !scope.unitCodes.includes(unit.code)) return false;
  if (scope.tiers && scope.tiers.length > 0 && !scope.tiers.includes(unit.tier)) return false;
  if (scope.subtreeOf && !unit.path.includes(`/${scope.subtreeOf}/`)) return false;
  if (scope.within && !unit.path.startsWith(scope.within)) return false;
  return true;
}

/** Codes of the unit and its ancestors, nearest first ("/51/522/21001/" → 21001, 522, 51). */
export const selfAndAncestors = (path: string): string[] => path.split('/').filter(Boolean).reverse();

/** True when `unitPath` lies in the subtree of the unit whose path is `scopePath`. */
export const isWithin = (unitPath: string, scopePath: string): boolean => unitPath.startsWith(scopePath);

/**
 * The routing chain of an alert: the unit codes, nearest first, at or above the alert's unit that
 * have someone to notify. Level 0 owns the alert; escalation n goes to chain[n].
 */
export function routingChain(alertUnitPath: string, unitsWithRecipients: ReadonlySet<string>): string[] {
  return selfAndAncestors(alertUnitPath).filter((code) => unitsWithRecipients.has(code));
}
