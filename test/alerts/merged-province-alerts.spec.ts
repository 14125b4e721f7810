import type { AlertNotification } from '@ioc/contracts';
import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
import { DEFAULT_LOCAL_UNIT_CODE, seedDatabase, SEED_LEADERS } from '@ioc/seed';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../support';
import { ManualClock, publishHealth, publishIndicator, startAggregator, waitForDrained, type RunningAggregator } from './alerts-harness';

const T0 = Date.parse('2026-11-23T02:00:00Z'); // 09:00 in Quảng Ngãi

jest.setTimeout(60_000);

/** A new install: the official tree, and only what the seed creates (default rules, leaders). */
describe('alerts out of the box on the merged province (real Redis, Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let redis: TestRedis;
  let app: RunningAggregator | null = null;
  let clock: ManualClock;
  const leader = async (scope: 'province' | 'local') =>
    prisma.user.findUniqueOrThrow({ where: { username: SEED_LEADERS.find((l) => l.scope === scope)!.username }, include: { unit: true } });
  const inApp = async (userId: string) =>
    (await prisma.notificationDelivery.findMany({ where: { userId, channel: 'IN_APP' }, orderBy: { createdAt: 'asc' } })).map(
      (d) => d.payload as unknown as AlertNotification,
    );
  const tickAt = async (seconds: number): Promise<void> => {
    clock.advance((T0 + seconds * 1000 - clock.now().getTime()) / 1000);
    await app!.streams.tick();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
    const report = await seedDatabase(prisma, { adminPassword: 'admin-password-123' });
    expect(Object.keys(report.generatedSecrets).sort()).toEqual([
      'communeLeaderPassword',
      'districtViewerApiKey',
      'provinceLeaderPassword',
      'provinceViewerApiKey',
    ]);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });
  beforeEach(async () => {
    redis = await createTestRedis();
    clock = new ManualClock(T0);
    await prisma.alert.deleteMany();
    await prisma.notificationDelivery.deleteMany();
  });
  afterEach(async () => {
    await app?.close();
    app = null;
    await redis.cleanup();
  });

  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ALERT_GROUP_WAIT_S: '30',
    ALERT_GROUP_INTERVAL_S: '300',
    ALERT_REPEAT_INTERVAL_S: '3600',
    ALERT_ESCALATION_AFTER_S: '900',
    // These tests write the indicator stream themselves; the aggregator's own publisher (on the real
    // clock, with no events: N/A everywhere) would race them and could clear the breach before it escalates.
    AGGREGATOR_PUBLISH_INTERVAL_MS: String(24 * 3600 * 1000),
    AGGREGATOR_PUBLISH_ON_CHANGE: 'false',
  });

  it('seeds a province leader and a commune leader of the new tree', async () => {
    expect((await leader('province')).unit.code).toBe('51');
    const commune = (await leader('local')).unit;
    expect([commune.code, commune.tier, commune.path, commune.validTo]).toEqual([
      DEFAULT_LOCAL_UNIT_CODE,
      'COMMUNE',
      `/51/${DEFAULT_LOCAL_UNIT_CODE}/`,
      null,
    ]);
  });

  it('alerts the commune leader on a missed commune target, then escalates commune → province (no district tier) when nobody acknowledges', async () => {
    const communeLeader = await leader('local');
    const provinceLeader = await leader('province');
    app = await startAggregator(env(), clock);
    await publishIndicator(redis.client, redis.prefix, { unitCode: DEFAULT_LOCAL_UNIT_CODE, value: 61.5, target: 70, status: 'missed' });
    await waitForDrained(redis.client, redis.prefix);

    await tickAt(0);
    await tickAt(120); // the default rule's pending time
    const alert = await prisma.alert.findFirstOrThrow({ include: { unit: true, rule: true } });
    expect([alert.state, alert.severity, alert.unit.code, alert.threshold, alert.rule.kind]).toEqual([
      'FIRING',
      'CRITICAL',
      DEFAULT_LOCAL_UNIT_CODE,
      70,
      'BELOW_TARGET',
    ]);
    await tickAt(150); // group wait
    expect((await inApp(communeLeader.id)).map((n) => n.alerts.map((a) => a.unitCode))).toEqual([[DEFAULT_LOCAL_UNIT_CODE]]);
    expect(await inApp(provinceLeader.id)).toEqual([]);

    await tickAt(120 + 899);
    expect(await inApp(provinceLeader.id)).toEqual([]);
    await tickAt(120 + 900);
    const escalated = await prisma.alert.findUniqueOrThrow({
      where: { id: alert.id },
      include: { transitions: { orderBy: { id: 'asc' } } },
    });
    expect(escalated.escalationLevel).toBe(1);
    expect(escalated.transitions.at(-1)!.note).toBe('escalated to unit 51 (level 1): unacknowledged');
    await tickAt(120 + 930);
    const province = await inApp(provinceLeader.id);
    expect(province).toHaveLength(1);
    expect([province[0]!.escalationLevel, province[0]!.alerts.map((a) => a.unitCode)]).toEqual([1, [DEFAULT_LOCAL_UNIT_CODE]]);
    expect(province[0]!.title).toMatch(/^\[Chuyển cấp trên\] \[KHẨN\] Phường Cẩm Thành/);
  });

  it('alerts the province leader when a source is down for a minute', async () => {
    const provinceLeader = await leader('province');
    app = await startAggregator(env(), clock);
    await publishHealth(redis.client, redis.prefix, {
      sourceId: 'ioffice-demo',
      status: 'DOWN',
      lastSuccessAt: new Date(T0 - 30_000).toISOString(),
      lastErrorAt: null,
      lastError: null,
      lagSeconds: null,
      deadLetterCount: 0,
    });
    await waitForDrained(redis.client, redis.prefix);
    await tickAt(0);
    await tickAt(60);
    const down = await prisma.alert.findFirstOrThrow({ where: { rule: { kind: 'CONNECTOR_DOWN' } }, include: { unit: true } });
    expect([down.unit.code, down.severity, down.state]).toEqual(['51', 'CRITICAL', 'FIRING']);
    await tickAt(90);
    expect((await inApp(provinceLeader.id)).flatMap((n) => n.alerts.map((a) => a.unitCode))).toEqual(['51']);
  });
});
