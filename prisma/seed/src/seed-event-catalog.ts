import { collectTerms, UnitTree, type EventCatalog } from '@ioc/indicators';
import { INDICATOR_CATALOG } from './indicator-catalog';
import { quangNgaiUnitList } from '@ioc/persistence';

/** What the event-validity rule knows after `npm run seed`, without a database: for connector conformance suites and tests. */
export function seedEventCatalog(): EventCatalog {
  return {
    tree: new UnitTree(
      quangNgaiUnitList().units.map((u) => ({
        code: u.code,
        officialCode: u.officialCode,
        parentCode: u.parentCode,
        tier: u.tier,
        validFrom: u.validFrom,
        validTo: u.validTo,
      })),
    ),
    terms: collectTerms(INDICATOR_CATALOG),
  };
}
