import { UnitTree, type UnitNode } from './unit-tree';
import { withUnitKey } from './validate-event';

const MERGER = new Date('2025-07-01T00:00:00+07:00');
const unit = (code: string, parentCode: string | null, validFrom: Date, validTo: Date | null, officialCode?: string): UnitNode => ({
  code,
  parentCode,
  tier: 'COMMUNE',
  validFrom,
  validTo,
  officialCode: officialCode ?? null,
});
const tree = new UnitTree([
  unit('51', null, new Date('2025-03-01T00:00:00+07:00'), null),
  unit('527', '51', new Date('2025-03-01T00:00:00+07:00'), MERGER),
  unit('21211@2025-06-30', '527', new Date('2025-03-01T00:00:00+07:00'), MERGER, '21211'),
  unit('21211', '51', MERGER, null, '21211'),
]);

describe('UnitTree.resolveCode and withUnitKey', () => {
  it('reads a reused official code as the unit in force when the event occurred', () => {
    expect(tree.resolveCode('21211', new Date('2025-06-30T23:59:59+07:00'))).toBe('21211@2025-06-30');
    expect(tree.resolveCode('21211', MERGER)).toBe('21211');
    expect(tree.resolveCode('21211@2025-06-30', new Date('2025-06-01T00:00:00+07:00'))).toBe('21211@2025-06-30');
    expect(tree.resolveCode('99999', MERGER)).toBe('99999');
  });

  it('rewrites only the unit code of a well-formed event, leaving anything else for validation to refuse', () => {
    expect(withUnitKey({ unitCode: '21211', occurredAt: '2025-06-30T10:00:00+07:00', kind: 'x' }, tree)).toEqual({
      unitCode: '21211@2025-06-30',
      occurredAt: '2025-06-30T10:00:00+07:00',
      kind: 'x',
    });
    const current = { unitCode: '21211', occurredAt: '2025-07-01T10:00:00+07:00' };
    expect(withUnitKey(current, tree)).toBe(current);
    expect(withUnitKey({ unitCode: '21211', occurredAt: 'yesterday' }, tree)).toEqual({ unitCode: '21211', occurredAt: 'yesterday' });
    expect(withUnitKey(null, tree)).toBeNull();
  });
});
