import { compileLabelPattern, UnsafePatternError } from './patterns';
import { findSilence, parseMatchers, type SilenceWindow } from './silences';

const t = (iso: string): Date => new Date(iso);

describe('user patterns run on RE2', () => {
  it('matches the whole label, like the regexes they replace', () => {
    expect(compileLabelPattern('210.*').test('21001')).toBe(true);
    expect(compileLabelPattern('210').test('21001')).toBe(false);
    expect(compileLabelPattern('/51/522/.*').test('/51/522/21001/')).toBe(true);
  });

  it('evaluates the catastrophic-backtracking pattern of issue 13 harmlessly: no backtracking, bounded by the label', () => {
    const pattern = compileLabelPattern('([0-9a-f-]+)+Z');
    // On a backtracking engine this label takes longer than the universe; here the answer comes at once.
    expect(pattern.test(`${'0123456789abcdef-'.repeat(60)}!`)).toBe(false);
    expect(pattern.test('ab-12Z')).toBe(true);
    expect(pattern.test(`${'a'.repeat(5000)}Z`)).toBe(false); // over the matched-label bound
  });

  it('refuses constructs without a linear-time algorithm, naming them', () => {
    const refusal = (pattern: string): string => {
      try {
        compileLabelPattern(pattern);
      } catch (error) {
        expect(error).toBeInstanceOf(UnsafePatternError);
        return (error as Error).message;
      }
      throw new Error(`${pattern} was accepted`);
    };
    expect(refusal('(a+)\\1')).toContain('\\1');
    expect(refusal('(?=a)b')).toContain('(?=');
    expect(refusal('a{2000}')).toContain('{2000}');
    expect(refusal('x'.repeat(501))).toContain('500-character limit');
  });

  it('refuses matcher lists with a bad pattern or too many matchers, saying which', () => {
    expect(() => parseMatchers([{ name: 'unitCode', value: '(?<=5)2', isRegex: true }])).toThrow(/matchers\[0\]\.value: .*RE2/);
    expect(() => parseMatchers(Array.from({ length: 10_000 }, () => ({ name: 'unitCode', value: '522' })))).toThrow('at most 20 matchers');
  });
});

describe('silences are confined to their owner unit', () => {
  const window = { startsAt: t('2026-11-23T01:00:00Z'), endsAt: t('2026-11-23T02:00:00Z') };
  const districtSilence: SilenceWindow = {
    id: 's',
    matchers: [{ name: 'unitPath', value: '/51/.*', isRegex: true }],
    scopePath: '/51/522/',
    ...window,
  };
  const at = t('2026-11-23T01:30:00Z');

  it('a district silence matching every unit path mutes only alerts of its district', () => {
    expect(findSilence({ unitCode: '21001', unitPath: '/51/522/21001/' }, [districtSilence], at)).toBe(districtSilence);
    expect(findSilence({ unitCode: '524', unitPath: '/51/524/' }, [districtSilence], at)).toBeUndefined();
    expect(findSilence({ unitCode: '51', unitPath: '/51/' }, [districtSilence], at)).toBeUndefined();
  });

  it('a province silence mutes the whole province', () => {
    expect(findSilence({ unitCode: '524', unitPath: '/51/524/' }, [{ ...districtSilence, scopePath: '/51/' }], at)).toBeDefined();
  });
});
