import { quangNgaiUnitList, type ResolvedUnit } from '@ioc/persistence';
import { dayStart } from './working-day';

const isSchool = (unit: ResolvedUnit): boolean => unit.kind === 'FACILITY' && /-(THPT|THCS|TH)/.test(unit.code);
const LOCAL_KINDS: ResolvedUnit['kind'][] = ['CITY', 'TOWN', 'DISTRICT', 'WARD', 'COMMUNE', 'TOWNSHIP', 'SPECIAL_ZONE'];
/** Departments with a one-stop desk of their own. */
const ONE_STOP_DEPARTMENTS = ['51-STP', '51-STC', '51-SNNMT', '51-SXD'];

const byDay = new Map<number, ResolvedUnit[]>();
/** The official list's units in force on a local day: the merged tree from 2025-07-01, the former trees before. */
function unitsOn(day: number): ResolvedUnit[] {
  let units = byDay.get(day);
  if (!units) {
    const at = dayStart(day);
    units = quangNgaiUnitList().units.filter(
      (unit) => unit.validFrom.getTime() <= at && (unit.validTo === null || unit.validTo.getTime() > at),
    );
    byDay.set(day, units);
  }
  return units;
}

/** Units with a document-management office: departments, districts (before 2025-07-01) and communes. */
export const officeUnits = (day: number): ResolvedUnit[] =>
  unitsOn(day).filter((unit) => unit.kind === 'DEPARTMENT' || LOCAL_KINDS.includes(unit.kind));
/** Units with a one-stop desk (bộ phận một cửa): districts and communes, plus a few departments. */
export const oneStopUnits = (day: number): ResolvedUnit[] =>
  unitsOn(day).filter((unit) => LOCAL_KINDS.includes(unit.kind) || ONE_STOP_DEPARTMENTS.includes(unit.code));
export const healthFacilities = (day: number): ResolvedUnit[] => unitsOn(day).filter((unit) => unit.kind === 'FACILITY' && !isSchool(unit));
export const schools = (day: number): ResolvedUnit[] => unitsOn(day).filter(isSchool);

/** Share of work done on the network by tier, near Nghị quyết 13's 90/80/70 % targets. */
export const ON_NETWORK_RATE: Record<ResolvedUnit['tier'], number> = { PROVINCE: 0.92, DISTRICT: 0.8, COMMUNE: 0.68 };
