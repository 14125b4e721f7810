import { localDay } from './working-day';
import { officeUnits, oneStopUnits } from './units';

const dayOf = (iso: string): number => localDay(Date.parse(iso));

describe('simulated units follow the tree in force each day', () => {
  it('serves the former Quảng Ngãi and Kon Tum districts and communes up to 30 June 2025', () => {
    const units = officeUnits(dayOf('2025-06-30T12:00:00+07:00'));
    expect(units.filter((u) => u.tier === 'DISTRICT')).toHaveLength(23);
    expect(units.filter((u) => u.tier === 'COMMUNE')).toHaveLength(272);
    expect(units.some((u) => u.code === '21211')).toBe(false);
    expect(units.some((u) => u.code === '21211@2025-06-30')).toBe(true);
  });

  it('serves the merged province from 1 July 2025: its departments and 96 commune-level units, no district', () => {
    const units = officeUnits(dayOf('2025-07-01T00:00:00+07:00'));
    expect(units.filter((u) => u.tier === 'DISTRICT')).toEqual([]);
    expect(units.filter((u) => u.tier === 'COMMUNE')).toHaveLength(96);
    expect(units.filter((u) => u.kind === 'DEPARTMENT').length).toBeGreaterThan(0);
    expect(oneStopUnits(dayOf('2026-11-24T09:00:00+07:00')).filter((u) => u.tier === 'COMMUNE')).toHaveLength(96);
  });
});
