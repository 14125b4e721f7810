import { groupDigest, groupFlushDue, type GroupState } from './grouping';
import { renderGroupMessage } from './messages';
import { inQuietHours } from './quiet-hours';
import { inScope, routingChain } from './scope';
import { findSilence } from './silences';

const t = (iso: string): Date => new Date(iso);

describe('scope and routing', () => {
  const commune = { id: 'u1', code: '21001', name: 'Phường Lê Hồng Phong', tier: 'COMMUNE' as const, path: '/51/522/21001/' };
  it('matches tiers, subtrees and unit lists', () => {
    expect(inScope({ tiers: ['COMMUNE'], subtreeOf: '522' }, commune)).toBe(true);
    expect(inScope({ subtreeOf: '524' }, commune)).toBe(false);
    expect(inScope({ unitCodes: ['21002'] }, commune)).toBe(false);
    expect(inScope({ subtreeOf: '51', within: '/51/524/' }, commune)).toBe(false);
  });
  it('routes to the nearest unit with recipients, then up the tree', () => {
    expect(routingChain(commune.path, new Set(['51', '522', '524']))).toEqual(['522', '51']);
  });
});

describe('grouping timings', () => {
  const timings = { groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 3600 };
  const fresh: GroupState = { firstSeenAt: '2026-11-23T01:00:00Z', lastFlushAt: null, lastDigest: null, seq: 0 };
  it('waits group_wait, then group_interval for changes, then repeat_interval', () => {
    const digest = groupDigest(['a', 'b']);
    expect(groupFlushDue(fresh, digest, t('2026-11-23T01:00:29Z'), timings)).toBe(false);
    expect(groupFlushDue(fresh, digest, t('2026-11-23T01:00:30Z'), timings)).toBe(true);
    const sent = { ...fresh, lastFlushAt: '2026-11-23T01:00:30Z', lastDigest: digest, seq: 1 };
    expect(groupFlushDue(sent, groupDigest(['b', 'a']), t('2026-11-23T01:10:00Z'), timings)).toBe(false);
    expect(groupFlushDue(sent, groupDigest(['a', 'b', 'c']), t('2026-11-23T01:05:29Z'), timings)).toBe(false);
    expect(groupFlushDue(sent, groupDigest(['a', 'b', 'c']), t('2026-11-23T01:05:30Z'), timings)).toBe(true);
    expect(groupFlushDue(sent, digest, t('2026-11-23T02:00:30Z'), timings)).toBe(true);
  });
});

describe('silences and quiet hours', () => {
  const labels = { ruleId: 'r1', unitCode: '21001', unitPath: '/51/522/21001/', severity: 'MAJOR' };
  const silence = {
    id: 's',
    matchers: [{ name: 'unitCode', value: '210.*', isRegex: true }],
    scopePath: '/51/',
    startsAt: t('2026-11-23T01:00:00Z'),
    endsAt: t('2026-11-23T02:00:00Z'),
  };
  it('silences matching alerts inside the window only', () => {
    expect(findSilence(labels, [silence], t('2026-11-23T01:30:00Z'))).toBe(silence);
    expect(findSilence(labels, [silence], t('2026-11-23T02:00:00Z'))).toBeUndefined();
    expect(findSilence({ ...labels, unitCode: '522' }, [silence], t('2026-11-23T01:30:00Z'))).toBeUndefined();
  });
  it('reads quiet hours in Vietnam time, across midnight', () => {
    const night = { start: '22:00', end: '06:00' };
    expect(inQuietHours(night, t('2026-11-23T16:00:00Z'))).toBe(true); // 23:00 local
    expect(inQuietHours(night, t('2026-11-23T22:30:00Z'))).toBe(true); // 05:30 local
    expect(inQuietHours(night, t('2026-11-23T23:30:00Z'))).toBe(false); // 06:30 local
    expect(inQuietHours(null, t('2026-11-23T16:00:00Z'))).toBe(false);
  });
});

describe('group message', () => {
  it('says how many units, what, the threshold and since when, in Vietnamese and English', () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      unitName: `Xã ${i + 1}`,
      tier: 'COMMUNE' as const,
      value: 50 + i,
      threshold: 70,
      since: t('2026-11-23T01:05:00Z'),
    }));
    const input = {
      severity: 'MAJOR' as const,
      kind: 'THRESHOLD_BELOW' as const,
      ruleName: 'r',
      indicatorName: { vi: 'Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng', en: 'Work files processed on the network' },
      unitOfMeasure: '%',
      items,
      escalationLevel: 0,
      link: 'https://ioc.example/alerts',
    };
    const vi = renderGroupMessage({ ...input, locale: 'vi' });
    expect(vi.title).toBe('[Quan trọng] 12 xã dưới 70 %: Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng');
    expect(vi.body).toContain('• Xã 1: 50 % (ngưỡng 70 %), từ 08:05');
    expect(vi.body).toContain('https://ioc.example/alerts');
    expect(renderGroupMessage({ ...input, locale: 'en' }).title).toBe(
      '[Major] 12 communes below 70 %: Work files processed on the network',
    );
  });
});
