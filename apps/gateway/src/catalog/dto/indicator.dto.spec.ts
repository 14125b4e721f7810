import { definitionProblems } from './indicator.dto';

describe('definitionProblems: what POST/PATCH /indicators refuses', () => {
  it('accepts every formula the aggregator evaluates, a score and a 766 index included', () => {
    const share = {
      op: 'ratio',
      numerator: [{ op: 'count', filter: { kind: 'dossier.resolved', where: { onTime: true } } }],
      denominator: [{ op: 'count', filter: { kind: 'dossier.resolved' } }],
      scale: 100,
    };
    const index = {
      op: 'index',
      groups: [
        { name: 'Tiến độ', weight: 20, items: [{ formula: share, fullAt: 90 }] },
        { name: 'Công khai', weight: 18, items: [] },
      ],
    };
    expect(definitionProblems(index, { type: 'month_to_date' })).toEqual([]);
    expect(
      definitionProblems({ op: 'score', scale: 100, minus: [{ numerator: share.numerator, denominator: share.denominator }] }, undefined),
    ).toEqual([]);
  });

  it('names the field of each problem, as the aggregator would find it', () => {
    expect(definitionProblems({ op: 'median' }, { type: 'week' })).toEqual(['formula.op', 'window.type']);
    expect(definitionProblems({ op: 'index', groups: [{ name: 'x', weight: 0, items: [] }] }, { type: 'rolling', minutes: 0 })).toEqual([
      'formula.groups[0].weight',
      'window.minutes',
    ]);
  });
});
