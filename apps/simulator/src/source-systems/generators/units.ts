import { QUANG_NGAI_UNITS, type SeedUnit } from '@ioc/persistence';

const current = QUANG_NGAI_UNITS.filter((unit) => !unit.validTo);
const isSchool = (unit: SeedUnit): boolean => unit.kind === 'FACILITY' && /-(THPT|THCS|TH)/.test(unit.code);

/** Units with a document-management office: departments, districts and communes (the seed's codes). */
export const OFFICE_UNITS = current.filter((unit) => ['DEPARTMENT', 'CITY', 'TOWN', 'DISTRICT', 'WARD', 'COMMUNE', 'TOWNSHIP'].includes(unit.kind));
/** Units with a one-stop desk (bộ phận một cửa): districts and communes, plus a few departments. */
export const ONE_STOP_UNITS = current.filter(
  (unit) => ['CITY', 'TOWN', 'DISTRICT', 'WARD', 'COMMUNE', 'TOWNSHIP'].includes(unit.kind) || ['51-STP', '51-SKHDT', '51-STNMT', '51-SXD'].includes(unit.code),
);
export const HEALTH_FACILITIES = current.filter((unit) => unit.kind === 'FACILITY' && !isSchool(unit));
export const SCHOOLS = current.filter(isSchool);

/** Share of work done on the network by tier, near Nghị quyết 13's 90/80/70 % targets. */
export const ON_NETWORK_RATE: Record<SeedUnit['tier'], number> = { PROVINCE: 0.92, DISTRICT: 0.8, COMMUNE: 0.68 };
