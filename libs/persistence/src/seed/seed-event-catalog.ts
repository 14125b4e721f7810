import { collectTerms, UnitTree, type EventCatalog } from '@ioc/indicators';
import { INDICATOR_CATALOG } from './indicator-catalog';
import { QUANG_NGAI_UNITS } from './quang-ngai-units';

/** What the event-validity rule knows after `npm run seed`, without a database: for connector conformance suites and tests. */
export function seedEventCatalog(): EventCatalog {
  return {
    tree: new UnitTree(
      QUANG_NGAI_UNITS.map((u) => ({
        code: u.code, parentCode: u.parentCode, tier: u.tier, validFrom: new Date(u.validFrom), validTo: u.validTo ? new Date(u.validTo) : null,
      })),
    ),
    terms: collectTerms(INDICATOR_CATALOG),
  };
}
