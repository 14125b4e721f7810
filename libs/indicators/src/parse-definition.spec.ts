import { parseDefinition } from './check-definition';

describe('parseDefinition', () => {
  const formula = {
    op: 'ratio',
    numerator: [{ op: 'count', filter: { kind: 'dossier.resolved' } }],
    denominator: [{ op: 'count', filter: { kind: 'dossier.received' } }],
    scale: 100,
  };

  it('types a usable stored row as IndicatorDefinitionData', () => {
    const parsed = parseDefinition({ id: 'dossier.resolved_pct', formula, window: { type: 'today' }, tiers: ['PROVINCE'] });
    expect(parsed).toEqual({
      ok: true,
      definition: { id: 'dossier.resolved_pct', formula, window: { type: 'today' }, tiers: ['PROVINCE'] },
    });
  });

  it('returns the problems of an unusable row, with where they are', () => {
    const parsed = parseDefinition({
      id: 'broken',
      formula: { op: 'ratio', numerator: [{ op: 'count' }] },
      window: { type: 'fortnight' },
      tiers: 'COMMUNE',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('formula.numerator[0].filter'),
        expect.stringContaining('window'),
        expect.stringContaining('tiers'),
      ]),
    );
  });
});
