import { parseDashboardLayout } from './indicators';

describe('parseDashboardLayout', () => {
  it('types a stored layout', () => {
    const layout = { columns: 4, tiles: [{ indicatorId: 'dossier.on_time_pct', unitCode: '51', thresholds: { good: 90, warn: 80 } }] };
    expect(parseDashboardLayout(layout)).toBe(layout);
  });

  it.each([
    null,
    'grid',
    { columns: '4', tiles: [] },
    { columns: 4 },
    { columns: 4, tiles: [{ indicatorId: 'x' }] },
    { columns: 4, tiles: [null] },
  ])('refuses %j', (value) => {
    expect(parseDashboardLayout(value)).toBeNull();
  });
});
