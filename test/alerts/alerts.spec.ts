import type { Server } from 'node:http';
import webpush from 'web-push';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AlertActions } from '../../apps/gateway/src/alerts/alert-actions';
import { QueueName, SharedRedisKey, sharedRedisKey, type AlertNotification, type DeadLetterEntry } from '@ioc/contracts';
import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
import { seedDatabase } from '@ioc/seed';
import { FIXTURE_SEED, createTestDatabase, createTestRedis, waitFor, type TestDatabase, type TestRedis } from '../support';
import {
  ManualClock,
  createSubscriptionKeys,
  decryptPush,
  publishHealth,
  publishIndicator,
  startAggregator,
  startPushServer,
  startWebhookServer,
  waitForDrained,
  vapidValid,
  type PushHit,
  type RunningAggregator,
  type WebhookHit,
} from './alerts-harness';

const SECRET = 'test-webhook-secret-0123456789';
const T0 = Date.parse('2026-11-23T02:00:00Z'); // 09:00 in Quảng Ngãi
const WARDS_522 = ['21001', '21004', '21007', '21010', '21013', '21016', '21019', '21022'];
const COMMUNE_524 = '21055';

// jest 30 ignores the project's testTimeout; the scenarios take a few seconds each on a busy 2-core machine.
jest.setTimeout(60_000);

describe('alerts for leaders (real Redis, Postgres, HTTP)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let redis: TestRedis;
  let webhook: { url: string; hits: WebhookHit[]; server: Server };
  let push: { base: string; hits: PushHit[]; server: Server };
  const vapid = webpush.generateVAPIDKeys();
  const leaders: Record<'province' | 'd522' | 'd524', { id: string; unitPath: string }> = {} as never;
  const subscriptionKeys = createSubscriptionKeys();
  let app: RunningAggregator | null = null;
  let clock: ManualClock;

  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ALERT_GROUP_WAIT_S: '30',
    ALERT_GROUP_INTERVAL_S: '300',
    ALERT_REPEAT_INTERVAL_S: '3600',
    ALERT_ESCALATION_AFTER_S: '600',
    ALERT_DELIVERY_BACKOFF_MS: '50',
    ALERT_DELIVERY_ATTEMPTS: '5',
    ALERT_WEBHOOK_URL: webhook.url,
    ALERT_WEBHOOK_SECRET: SECRET,
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    ALERT_LINK_BASE_URL: 'https://ioc.quangngai.gov.vn/alerts',
    // These tests write the indicator stream themselves; the aggregator's own publisher (on the
    // real clock, with no events: N/A everywhere) would race them and overwrite their values.
    AGGREGATOR_PUBLISH_INTERVAL_MS: String(24 * 3600 * 1000),
    AGGREGATOR_PUBLISH_ON_CHANGE: 'false',
  });

  const drained = () => waitForDrained(redis.client, redis.prefix);
  const tickAt = async (secondsFromStart: number): Promise<void> => {
    clock.advance((T0 + secondsFromStart * 1000 - clock.now().getTime()) / 1000);
    await app!.streams.tick();
  };
  const publish = async (unitCode: string, value: number): Promise<void> => {
    await publishIndicator(redis.client, redis.prefix, { unitCode, value });
  };
  const deliveriesOf = (userId: string) => prisma.notificationDelivery.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  const createRule = (data: {
    name: string;
    severity?: 'CRITICAL' | 'MAJOR';
    forSeconds: number;
    keepFiringSeconds: number;
    threshold?: number;
  }) =>
    prisma.alertRule.create({
      data: {
        name: data.name,
        kind: 'THRESHOLD_BELOW',
        indicatorId: 'doc.processed_online_pct',
        params: { threshold: data.threshold ?? 70 },
        severity: data.severity ?? 'MAJOR',
        scope: { tiers: ['COMMUNE'] },
        forSeconds: data.forSeconds,
        keepFiringSeconds: data.keepFiringSeconds,
      },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
    await seedDatabase(prisma, { ...FIXTURE_SEED, adminPassword: 'admin-password-123' });
    for (const [key, code] of [
      ['province', '51'],
      ['d522', '522'],
      ['d524', '524'],
    ] as const) {
      const unit = await prisma.administrativeUnit.findUniqueOrThrow({ where: { code } });
      const user = await prisma.user.create({
        data: { username: `leader-${code}`, displayName: `Lãnh đạo ${unit.name}`, role: 'LEADER', unitId: unit.id },
      });
      leaders[key] = { id: user.id, unitPath: unit.path };
    }
    webhook = await startWebhookServer(SECRET, 2);
    push = await startPushServer();
  });

  afterAll(async () => {
    await app?.close();
    await prisma.$disconnect();
    await db.drop();
    for (const server of [webhook.server, push.server]) {
      server.closeAllConnections();
      server.close();
    }
  });

  beforeEach(async () => {
    redis = await createTestRedis();
    clock = new ManualClock(T0);
    webhook.hits.length = 0;
    push.hits.length = 0;
    await prisma.notificationDelivery.deleteMany();
    await prisma.alertRule.deleteMany();
    await prisma.silence.deleteMany();
    await prisma.pushSubscription.deleteMany();
  });

  afterEach(async () => {
    await app?.close();
    app = null;
    await redis.cleanup();
  });

  it('fires one alert per unit after the pending time, and sends each leader one grouped message in scope, over every channel', async () => {
    await prisma.pushSubscription.create({
      data: {
        userId: leaders.d522.id,
        endpoint: `${push.base}/push/live/1`,
        p256dh: subscriptionKeys.p256dh,
        auth: subscriptionKeys.authText,
      },
    });
    await prisma.pushSubscription.create({
      data: {
        userId: leaders.d522.id,
        endpoint: `${push.base}/push/gone/2`,
        p256dh: subscriptionKeys.p256dh,
        auth: subscriptionKeys.authText,
      },
    });
    await createRule({ name: 'Hồ sơ xử lý trên mạng dưới 70 %', forSeconds: 120, keepFiringSeconds: 300 });
    app = await startAggregator(env(), clock);

    for (const [i, code] of [...WARDS_522, COMMUNE_524].entries()) await publish(code, 50 + i);
    await drained();
    await tickAt(60);
    await Promise.all(WARDS_522.map((code) => publish(code, 55)));
    await drained();
    await tickAt(119);
    expect(await prisma.alert.count()).toBe(0); // still pending

    await tickAt(120);
    const alerts = await prisma.alert.findMany({ include: { transitions: { orderBy: { at: 'asc' } }, unit: true } });
    expect(alerts).toHaveLength(9);
    expect(alerts.every((a) => a.state === 'FIRING')).toBe(true);
    expect(alerts[0]!.transitions.map((t) => [t.fromState, t.toState])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'FIRING'],
    ]);
    expect(await prisma.notificationDelivery.count()).toBe(0); // group wait

    await tickAt(150);
    await tickAt(200);
    const d522 = await deliveriesOf(leaders.d522.id);
    expect(d522.map((d) => d.channel).sort()).toEqual(['IN_APP', 'WEBHOOK', 'WEB_PUSH', 'WEB_PUSH']);
    const message = d522[0]!.payload as unknown as AlertNotification;
    expect(message.title).toBe('[Quan trọng] 8 xã dưới 70 %: Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng');
    expect(message.alerts.map((a) => a.unitCode).sort()).toEqual([...WARDS_522].sort());
    const d524 = await deliveriesOf(leaders.d524.id);
    expect(d524.map((d) => d.channel).sort()).toEqual(['IN_APP', 'WEBHOOK']);
    expect((d524[0]!.payload as unknown as AlertNotification).alerts.map((a) => a.unitCode)).toEqual([COMMUNE_524]);
    expect(await deliveriesOf(leaders.province.id)).toEqual([]);

    // Webhook: 500, 500, then 200 for each delivery; exactly one success each, all signed.
    await waitFor(async () =>
      (await prisma.notificationDelivery.count({ where: { channel: 'WEBHOOK', status: 'SENT' } })) === 2 ? true : undefined,
    );
    expect(webhook.hits.every((h) => h.signatureValid)).toBe(true);
    const successes = webhook.hits.filter((h) => h.status === 200);
    expect(successes.map((h) => h.body.userId).sort()).toEqual([leaders.d522.id, leaders.d524.id].sort());
    const hook522 = d522.find((d) => d.channel === 'WEBHOOK')!;
    const attempts = await prisma.notificationAttempt.findMany({ where: { deliveryId: hook522.id }, orderBy: { attempt: 'asc' } });
    expect(attempts.map((a) => [a.attempt, a.status, a.statusCode])).toEqual([
      [1, 'FAILED', 500],
      [2, 'FAILED', 500],
      [3, 'SENT', 200],
    ]);

    // Web Push: the live endpoint gets a payload that decrypts with the subscription's keys; the gone one is removed.
    await waitFor(async () =>
      (await prisma.notificationDelivery.count({ where: { channel: 'WEB_PUSH', status: { in: ['SENT', 'EXPIRED'] } } })) === 2
        ? true
        : undefined,
    );
    const live = push.hits.filter((h) => h.path === '/push/live/1');
    expect(live).toHaveLength(1);
    expect(live[0]!.headers['content-encoding']).toBe('aes128gcm');
    expect(vapidValid(live[0]!.headers.authorization, vapid.publicKey, push.base)).toBe(true);
    const decrypted = JSON.parse(decryptPush(live[0]!.body, subscriptionKeys)) as { title: string; link: string };
    expect(decrypted.title).toBe(message.title);
    expect(decrypted.link).toBe('https://ioc.quangngai.gov.vn/alerts?rule=' + message.ruleId + '&unit=522');
    expect(await prisma.pushSubscription.findMany({ select: { endpoint: true } })).toEqual([{ endpoint: `${push.base}/push/live/1` }]);
    expect((await prisma.notificationDelivery.findFirstOrThrow({ where: { destination: `${push.base}/push/gone/2` } })).status).toBe(
      'EXPIRED',
    );

    // In-app: one stream entry per leader for the gateway to fan out.
    const inApp = await waitFor(async () => {
      const entries = await redis.client.xrange(sharedRedisKey(redis.prefix, SharedRedisKey.AlertNotifications), '-', '+');
      return entries.length === 2 ? entries.map(([, fields]) => JSON.parse(fields[1]!) as AlertNotification) : undefined;
    });
    expect(inApp.map((n) => n.userId).sort()).toEqual([leaders.d522.id, leaders.d524.id].sort());

    // Still breached later: no new alert and no new message before the repeat interval.
    await Promise.all(WARDS_522.map((code) => publish(code, 52)));
    await drained();
    await tickAt(600);
    expect(await prisma.alert.count()).toBe(9);
    expect(await prisma.notificationDelivery.count()).toBe(6);
  });

  it('keeps one alert and one message while a value oscillates around the threshold', async () => {
    await createRule({ name: 'Dao động', forSeconds: 60, keepFiringSeconds: 300 });
    app = await startAggregator(env(), clock);
    await publish('21001', 60);
    await drained();
    await tickAt(60);
    for (let s = 90; s <= 1200; s += 30) {
      await publish('21001', s % 60 === 0 ? 69.5 : 70.5);
      await drained();
      await tickAt(s);
    }
    const alerts = await prisma.alert.findMany({ include: { transitions: true } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.state).toBe('FIRING');
    expect(alerts[0]!.transitions).toHaveLength(2);
    expect((await deliveriesOf(leaders.d522.id)).map((d) => d.channel).sort()).toEqual(['IN_APP', 'WEBHOOK']);

    // Clear for longer than keep-firing: resolved once.
    await publish('21001', 80);
    await drained();
    await tickAt(1500);
    await tickAt(1600);
    const resolved = await prisma.alert.findFirstOrThrow({ include: { transitions: { orderBy: { at: 'asc' } } } });
    expect(resolved.state).toBe('RESOLVED');
    expect(resolved.transitions.map((t) => t.toState)).toEqual(['PENDING', 'FIRING', 'RESOLVED']);
  });

  it('escalates an unacknowledged critical alert to the province on time, but not an acknowledged one', async () => {
    await createRule({ name: 'Khẩn', severity: 'CRITICAL', forSeconds: 0, keepFiringSeconds: 600 });
    app = await startAggregator(env(), clock);
    await publish('21001', 40);
    await publish('21004', 41);
    await drained();
    await tickAt(0);
    await tickAt(30);
    expect(await deliveriesOf(leaders.d522.id)).toHaveLength(2); // in-app + webhook

    const acknowledged = await prisma.alert.findFirstOrThrow({ where: { unit: { code: '21004' } } });
    await new AlertActions(prisma, clock).acknowledge(
      acknowledged.id,
      { userId: leaders.d522.id, unitPath: leaders.d522.unitPath },
      'Đang xử lý',
    );
    await expect(
      new AlertActions(prisma, clock).acknowledge(acknowledged.id, { userId: leaders.d524.id, unitPath: leaders.d524.unitPath }),
    ).rejects.toThrow(/outside your unit scope/);

    await tickAt(599);
    expect(await deliveriesOf(leaders.province.id)).toEqual([]);
    await tickAt(600);
    const escalated = await prisma.alert.findFirstOrThrow({
      where: { unit: { code: '21001' } },
      include: { transitions: { orderBy: { id: 'asc' } } },
    });
    expect(escalated.escalationLevel).toBe(1);
    expect(escalated.transitions.at(-1)!.note).toMatch(/escalated to unit 51/);
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: acknowledged.id } })).escalationLevel).toBe(0);
    await tickAt(630);
    const province = await deliveriesOf(leaders.province.id);
    expect(province.map((d) => d.channel).sort()).toEqual(['IN_APP', 'WEBHOOK']);
    const payload = province[0]!.payload as unknown as AlertNotification;
    expect(payload.escalationLevel).toBe(1);
    expect(payload.title).toMatch(/^\[Chuyển cấp trên\] \[KHẨN\] Phường Lê Hồng Phong dưới 70 %/);
    expect(payload.alerts.map((a) => a.unitCode)).toEqual(['21001']);
    expect(await deliveriesOf(leaders.d524.id)).toEqual([]);

    // Comment and resolve by hand, with the actor recorded.
    const actions = new AlertActions(prisma, clock);
    const actor = { userId: leaders.province.id, unitPath: leaders.province.unitPath };
    await actions.comment(escalated.id, actor, 'Đã liên hệ UBND phường');
    await tickAt(700);
    await actions.resolve(escalated.id, actor, 'Đã khắc phục');
    await expect(actions.resolve(escalated.id, actor)).rejects.toThrow(/is RESOLVED/);
    const history = await actions.history(escalated.id, actor);
    expect(history.transitions.at(-1)).toMatchObject({
      fromState: 'FIRING',
      toState: 'RESOLVED',
      actorId: leaders.province.id,
      at: new Date(T0 + 700_000),
    });
    expect(history.comments.map((c) => [c.userId, c.body])).toEqual([[leaders.province.id, 'Đã liên hệ UBND phường']]);
  });

  it('suppresses alerts matching a silence and releases them when it ends', async () => {
    await createRule({ name: 'Bảo trì', forSeconds: 0, keepFiringSeconds: 600 });
    await prisma.silence.create({
      data: {
        matchers: [{ name: 'unitCode', value: '2100[14]', isRegex: true }],
        startsAt: new Date(T0),
        endsAt: new Date(T0 + 600_000),
        comment: 'bảo trì iOffice',
      },
    });
    app = await startAggregator(env(), clock);
    await publish('21001', 50);
    await publish('21004', 50);
    await publish('21007', 50);
    await drained();
    await tickAt(0);
    await tickAt(30);
    await tickAt(300);
    const during = await deliveriesOf(leaders.d522.id);
    expect(during.map((d) => (d.payload as unknown as AlertNotification).alerts.map((a) => a.unitCode))).toEqual([['21007'], ['21007']]);

    await tickAt(599);
    expect(await deliveriesOf(leaders.d522.id)).toHaveLength(2);
    await tickAt(600); // silence over: the group grew, and the group interval since the last message has passed
    await tickAt(700);
    const after = (await deliveriesOf(leaders.d522.id)).slice(2);
    expect(after.map((d) => d.channel).sort()).toEqual(['IN_APP', 'WEBHOOK']);
    expect((after[0]!.payload as unknown as AlertNotification).alerts.map((a) => a.unitCode).sort()).toEqual(['21001', '21004', '21007']);
  });

  it('a district silence mutes only its district, whatever its matchers say, and a catastrophic pattern cannot stall the loop (issue 13)', async () => {
    const rule = await createRule({ name: 'Phạm vi im lặng', forSeconds: 0, keepFiringSeconds: 600 });
    const d522 = await prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '522' } });
    const window = { startsAt: new Date(T0), endsAt: new Date(T0 + 600_000) };
    // The finding: a district operator's silence matching every unit path of the province.
    await prisma.silence.create({ data: { matchers: [{ name: 'unitPath', value: '/51/.*', isRegex: true }], unitId: d522.id, ...window } });
    // Exponential on a backtracking engine against the rule's UUID (36 characters of [0-9a-f-], no Z); linear on RE2.
    await prisma.silence.create({
      data: { matchers: [{ name: 'ruleId', value: '([0-9a-f-]+)+Z', isRegex: true }], unitId: d522.id, ...window },
    });
    app = await startAggregator(env(), clock);
    await publish('21001', 50);
    await publish(COMMUNE_524, 50);
    await drained();
    await tickAt(0);
    await tickAt(30);
    expect(await prisma.alert.count({ where: { ruleId: rule.id, state: 'FIRING' } })).toBe(2);
    expect(await deliveriesOf(leaders.d522.id)).toHaveLength(0);
    const outside = await deliveriesOf(leaders.d524.id);
    expect(outside.map((d) => (d.payload as unknown as AlertNotification).alerts.map((a) => a.unitCode))).toEqual([
      [COMMUNE_524],
      [COMMUNE_524],
    ]);
    // Updates keep flowing through the same process after the passes above.
    await publish('21007', 40);
    await drained();
    await tickAt(31);
    expect(await prisma.alert.count({ where: { ruleId: rule.id, state: 'FIRING' } })).toBe(3);
  });

  it('a restart between firing and delivery neither loses nor duplicates the notification', async () => {
    await createRule({ name: 'Khởi động lại', forSeconds: 0, keepFiringSeconds: 600 });
    app = await startAggregator({ ...env(), ALERT_CONSUMER_NAME: 'first' }, clock);
    await publish('21001', 30);
    await drained();
    await tickAt(0);
    expect(await prisma.alert.count({ where: { state: 'FIRING' } })).toBe(1);
    await app.close();

    app = await startAggregator({ ...env(), ALERT_CONSUMER_NAME: 'second' }, clock);
    await publish('21001', 31); // read by the restarted process from the same consumer group
    await drained();
    await tickAt(30);
    await tickAt(31);
    await app.streams.tick();
    expect(await prisma.alert.count()).toBe(1);
    const deliveries = await deliveriesOf(leaders.d522.id);
    expect(deliveries.map((d) => d.channel).sort()).toEqual(['IN_APP', 'WEBHOOK']);
    await waitFor(async () => ((await prisma.notificationDelivery.count({ where: { status: 'SENT' } })) === 2 ? true : undefined));
    expect(webhook.hits.filter((h) => h.status === 200)).toHaveLength(1);
    expect(await redis.client.xlen(sharedRedisKey(redis.prefix, SharedRedisKey.AlertNotifications))).toBe(1);
  });

  it('alerts the province on a connector down and a stale source from the source-health stream, and dead-letters unusable entries', async () => {
    await prisma.alertRule.create({
      data: {
        name: 'Mất kết nối iOffice',
        kind: 'CONNECTOR_DOWN',
        params: { sourceId: 'ioffice-51' },
        severity: 'CRITICAL',
        scope: { unitCodes: ['51'] },
        forSeconds: 60,
        keepFiringSeconds: 0,
      },
    });
    await prisma.alertRule.create({
      data: {
        name: 'Dữ liệu DVC cũ',
        kind: 'STALE_SOURCE',
        params: { sourceId: 'dvc-51', maxAgeSeconds: 600 },
        severity: 'MAJOR',
        scope: {},
        forSeconds: 0,
        keepFiringSeconds: 0,
      },
    });
    app = await startAggregator(env(), clock);
    const health = { lastErrorAt: null, lastError: null, lagSeconds: null, deadLetterCount: 0 };
    await publishHealth(redis.client, redis.prefix, {
      ...health,
      sourceId: 'ioffice-51',
      status: 'DOWN',
      lastSuccessAt: new Date(T0 - 120_000).toISOString(),
    });
    await publishHealth(redis.client, redis.prefix, {
      ...health,
      sourceId: 'dvc-51',
      status: 'OK',
      lastSuccessAt: new Date(T0).toISOString(),
    });
    await redis.client.xadd(sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorUpdates), '*', 'u', '{not json');
    await drained();

    await tickAt(59);
    expect(await prisma.alert.count()).toBe(0);
    await tickAt(60);
    const down = await prisma.alert.findFirstOrThrow({ include: { unit: true } });
    expect([down.fingerprint.endsWith(':ioffice-51'), down.unit.code, down.severity]).toEqual([true, '51', 'CRITICAL']);
    await tickAt(599);
    expect(await prisma.alert.count()).toBe(1);
    await tickAt(600); // no read for 10 minutes: stale without any new entry
    const stale = await prisma.alert.findFirstOrThrow({ where: { rule: { kind: 'STALE_SOURCE' } }, include: { unit: true } });
    expect([stale.unit.code, stale.value]).toEqual(['51', 600]);

    await tickAt(630);
    const titles = (await deliveriesOf(leaders.province.id))
      .filter((d) => d.channel === 'IN_APP')
      .map((d) => (d.payload as unknown as AlertNotification).title);
    expect(titles.sort()).toEqual([
      '[KHẨN] Tỉnh Quảng Ngãi mất kết nối nguồn dữ liệu: Mất kết nối iOffice',
      '[Quan trọng] Tỉnh Quảng Ngãi không có dữ liệu mới quá 600 giây: Dữ liệu DVC cũ',
    ]);
    expect(await deliveriesOf(leaders.d522.id)).toEqual([]);

    const deadLetters = await app.module
      .get<Queue<DeadLetterEntry>>(getQueueToken(QueueName.DeadLetter))
      .getJobs(['waiting', 'completed', 'failed', 'delayed']);
    expect(deadLetters.map((j) => [j.data.stage, j.data.fields, j.data.raw])).toEqual([['aggregator', ['u'], '{not json']]);
  });
});
