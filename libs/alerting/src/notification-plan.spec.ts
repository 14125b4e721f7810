import {
  deliveryDedupeKey,
  deliveryPayload,
  escalationDue,
  groupRecipients,
  notificationDestinations,
  notifyRoles,
  parseDeliveryPayload,
  planNotificationGroups,
  type NotifiableAlert,
  type NotificationRecipient,
} from './notification-plan';
import type { SilenceWindow } from './silences';

const NOW = new Date('2026-11-24T03:00:00Z'); // 10:00 in Quảng Ngãi
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);

const alert = (id: string, overrides: Partial<NotifiableAlert> = {}): NotifiableAlert => ({
  id,
  ruleId: 'rule-on-time',
  state: 'FIRING',
  severity: 'MAJOR',
  value: 71.5,
  threshold: 80,
  startedAt: minutesAgo(40),
  firedAt: minutesAgo(35),
  escalationLevel: 0,
  unit: { code: '21001', name: 'Phường Lê Hồng Phong', tier: 'COMMUNE', path: '/51/522/21001/' },
  rule: {
    name: 'Hồ sơ đúng hạn dưới 80%',
    kind: 'THRESHOLD_BELOW',
    indicatorId: 'dossier.on_time_pct',
    params: { threshold: 80 },
    indicator: { nameVi: 'Tỷ lệ hồ sơ đúng hạn', nameEn: 'Dossiers on time', unitOfMeasure: '%' },
  },
  ...overrides,
});

const recipient = (id: string, unitCode: string, overrides: Partial<NotificationRecipient> = {}): NotificationRecipient => ({
  id,
  role: 'LEADER',
  unitCode,
  locale: 'vi',
  email: `${id}@quangngai.gov.vn`,
  quietHours: null,
  pushEndpoints: [`https://push.example/${id}`],
  ...overrides,
});

/** Commune 21001 routes to its district 522, then the province 51. */
const routing = (levels: Record<string, number> = {}) => ({
  chainOf: () => ['522', '51'],
  levelOf: (a: NotifiableAlert) => levels[a.id] ?? a.escalationLevel,
});

describe('notification plan', () => {
  it('escalates an unacknowledged critical alert one level per period, up to the top of its chain, never down', () => {
    const critical = alert('a', { severity: 'CRITICAL', firedAt: minutesAgo(31) });
    expect(escalationDue(critical, 3, NOW, 900)).toBe(2);
    expect(escalationDue(critical, 2, NOW, 900)).toBe(1);
    expect(escalationDue({ ...critical, firedAt: minutesAgo(14) }, 3, NOW, 900)).toBeNull();
    expect(escalationDue({ ...critical, escalationLevel: 2 }, 3, NOW, 900)).toBeNull();
    // Only critical alerts that fired climb.
    expect(escalationDue({ ...critical, severity: 'MAJOR' }, 3, NOW, 900)).toBeNull();
    expect(escalationDue({ ...critical, firedAt: null }, 3, NOW, 900)).toBeNull();
    expect(escalationDue(critical, 0, NOW, 900)).toBeNull();
  });

  it('groups firing alerts by rule and routing unit; an escalated alert joins the groups above it', () => {
    const alerts = [
      alert('a'),
      alert('b', { unit: { code: '21002', name: 'Phường Nghĩa Lộ', tier: 'COMMUNE', path: '/51/522/21002/' } }),
      alert('c', { severity: 'CRITICAL' }),
      alert('d', { state: 'ACKNOWLEDGED' }),
      alert('e', { ruleId: 'rule-online' }),
    ];
    const groups = planNotificationGroups(alerts, routing({ c: 1 }), [], NOW);
    expect(groups.map((g) => [g.key, g.ownerCode, g.level, g.alerts.map((a) => a.id)])).toEqual([
      ['rule-on-time|522', '522', 0, ['a', 'b', 'c']],
      ['rule-on-time|51', '51', 1, ['c']],
      ['rule-online|522', '522', 0, ['e']],
    ]);
  });

  it('leaves silenced alerts out, and only those', () => {
    const silence: SilenceWindow = {
      id: 's1',
      matchers: [{ name: 'unitCode', value: '21001' }],
      scopePath: '/51/522/',
      startsAt: minutesAgo(60),
      endsAt: new Date(NOW.getTime() + 3600_000),
    };
    const other = alert('b', { unit: { code: '21002', name: 'Phường Nghĩa Lộ', tier: 'COMMUNE', path: '/51/522/21002/' } });
    const groups = planNotificationGroups([alert('a'), other], routing(), [silence], NOW);
    expect(groups.flatMap((g) => g.alerts.map((a) => a.id))).toEqual(['b']);
    // An expired silence mutes nothing.
    expect(planNotificationGroups([alert('a')], routing(), [{ ...silence, endsAt: minutesAgo(1) }], NOW)).toHaveLength(1);
  });

  it('sends a group to the routing unit’s recipients whose role the rule notifies (leaders by default)', () => {
    const [group] = planNotificationGroups([alert('a')], routing(), [], NOW);
    const people = [
      recipient('district-leader', '522'),
      recipient('province-leader', '51'),
      recipient('district-op', '522', { role: 'OPERATOR' }),
    ];
    expect(groupRecipients(group!, people).map((r) => r.id)).toEqual(['district-leader']);
    const withOperators = alert('a', { rule: { ...alert('a').rule, params: { threshold: 80, notifyRoles: ['OPERATOR', 7] } } });
    expect(notifyRoles(withOperators)).toEqual(['OPERATOR']);
    const [operatorGroup] = planNotificationGroups([withOperators], routing(), [], NOW);
    expect(groupRecipients(operatorGroup!, people).map((r) => r.id)).toEqual(['district-op']);
  });

  it('chooses channels: in-app always; push, webhook and e-mail unless info-only or quiet hours, which critical alerts pass', () => {
    const channels = { webPush: true, webhookUrl: 'https://sms-gateway.example/hook', email: true };
    const person = recipient('u1', '522');
    const all = notificationDestinations(person, 'MAJOR', NOW, channels).map((d) => d.channel);
    expect(all).toEqual(['IN_APP', 'WEB_PUSH', 'WEBHOOK', 'EMAIL']);
    expect(notificationDestinations(person, 'INFO', NOW, channels).map((d) => d.channel)).toEqual(['IN_APP']);
    const sleeping = { ...person, quietHours: { start: '09:00', end: '11:00' } };
    expect(notificationDestinations(sleeping, 'MAJOR', NOW, channels).map((d) => d.channel)).toEqual(['IN_APP']);
    expect(notificationDestinations(sleeping, 'CRITICAL', NOW, channels).map((d) => d.channel)).toEqual(all);
    const noneConfigured = { webPush: false, webhookUrl: '', email: false };
    expect(notificationDestinations({ ...person, email: null }, 'CRITICAL', NOW, noneConfigured)).toEqual([
      { channel: 'IN_APP', destination: 'u1' },
    ]);
  });

  it('keys a delivery by group message, recipient, channel and destination, the same on a retry', () => {
    const key = deliveryDedupeKey('rule-on-time|522', 3, 'u1', 'WEB_PUSH', 'https://push.example/u1');
    expect(key).toBe(deliveryDedupeKey('rule-on-time|522', 3, 'u1', 'WEB_PUSH', 'https://push.example/u1'));
    expect(key).toMatch(/^rule-on-time\|522#3:u1:WEB_PUSH:[0-9a-f]{16}$/);
    expect(deliveryDedupeKey('rule-on-time|522', 4, 'u1', 'WEB_PUSH', 'https://push.example/u1')).not.toBe(key);
    expect(deliveryDedupeKey('rule-on-time|522', 3, 'u1', 'WEB_PUSH', 'https://push.example/other')).not.toBe(key);
  });

  it('renders a group in the recipient’s language, linking to the alert alone or to the group', () => {
    const [single] = planNotificationGroups([alert('a')], routing(), [], NOW);
    const vi = deliveryPayload(single!, recipient('u1', '522'), 'https://ioc.example/alerts');
    expect(vi).toMatchObject({
      userId: 'u1',
      groupKey: 'rule-on-time|522',
      locale: 'vi',
      link: 'https://ioc.example/alerts/a',
      escalationLevel: 0,
    });
    expect(vi.title).toContain('Tỷ lệ hồ sơ đúng hạn');
    expect(vi.alerts).toEqual([
      {
        alertId: 'a',
        unitCode: '21001',
        unitName: 'Phường Lê Hồng Phong',
        value: 71.5,
        threshold: 80,
        since: minutesAgo(40).toISOString(),
      },
    ]);

    const second = alert('b', { unit: { code: '21002', name: 'Phường Nghĩa Lộ', tier: 'COMMUNE', path: '/51/522/21002/' } });
    const [pair] = planNotificationGroups([alert('a'), second], routing(), [], NOW);
    const en = deliveryPayload(pair!, recipient('u2', '522', { locale: 'en-GB' }), 'https://ioc.example/alerts');
    expect(en.locale).toBe('en');
    expect(en.link).toBe('https://ioc.example/alerts?rule=rule-on-time&unit=522');
    expect(en.title).toContain('Dossiers on time');
    expect(en.alerts.map((a) => a.alertId)).toEqual(['a', 'b']);
  });

  it('reads a stored payload back as written, and names what is missing from one that is not', () => {
    const [group] = planNotificationGroups([alert('a')], routing(), [], NOW);
    const written = JSON.parse(JSON.stringify(deliveryPayload(group!, recipient('u1', '522'), 'https://ioc.example/alerts'))) as unknown;
    expect(parseDeliveryPayload(written)).toEqual({ ok: true, payload: written });
    expect(parseDeliveryPayload({ userId: 'u1', title: 7 })).toEqual({
      ok: false,
      invalid: ['groupKey', 'ruleId', 'title', 'body', 'link', 'alerts'],
    });
    expect(parseDeliveryPayload(null)).toMatchObject({ ok: false });
  });
});
