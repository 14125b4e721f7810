import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
import { seedDatabase } from '@ioc/seed';
import { apiKeyMatches, issueApiKey, verifyPassword } from '@ioc/security';
import { FIXTURE_SEED, createTestDatabase, dumpAllTables, type TestDatabase } from '../../support';

describe('seed', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  const provinceKey = issueApiKey().key;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('loads the province, then changes nothing when run again', async () => {
    const first = await seedDatabase(prisma, {
      ...FIXTURE_SEED,
      adminPassword: 'correct horse battery',
      provinceViewerApiKey: provinceKey,
    });
    expect(first.created).toBeGreaterThan(50);
    expect(Object.keys(first.generatedSecrets)).toEqual(['districtViewerApiKey']);
    const before = await dumpAllTables(db.url);

    const second = await seedDatabase(prisma, { ...FIXTURE_SEED, adminPassword: 'another password' });
    expect(second).toEqual({ created: 0, updated: 0, generatedSecrets: {} });
    expect(await dumpAllTables(db.url)).toEqual(before);
  });

  it('builds a consistent unit tree of any depth', async () => {
    const units = await prisma.administrativeUnit.findMany();
    const byId = new Map(units.map((u) => [u.id, u]));
    for (const unit of units) {
      const parent = unit.parentId ? byId.get(unit.parentId) : undefined;
      expect(unit.path).toBe(`${parent?.path ?? '/'}${unit.code}/`);
      expect(unit.depth).toBe(parent ? parent.depth + 1 : 0);
    }
    expect(Math.max(...units.map((u) => u.depth))).toBeGreaterThanOrEqual(3);
    const merged = units.find((u) => u.code === '526')!;
    expect(merged.validTo).not.toBeNull();
    expect(byId.get(merged.successorId!)!.code).toBe('525');
  });

  it('stores the 90/80/70 % targets of Nghị quyết 13-NQ/TU by tier', async () => {
    const targets = await prisma.target.findMany({
      where: { indicatorId: 'doc.processed_online_pct' },
      include: { resolution: true },
      orderBy: { value: 'desc' },
    });
    expect(targets.map((t) => [t.tier, Number(t.value), t.resolution?.code])).toEqual([
      ['PROVINCE', 90, '13-NQ/TU'],
      ['DISTRICT', 80, '13-NQ/TU'],
      ['COMMUNE', 70, '13-NQ/TU'],
    ]);
  });

  it('creates an admin and scoped viewer keys, storing only hashes', async () => {
    const admin = await prisma.user.findUniqueOrThrow({ where: { username: 'admin' }, include: { unit: true } });
    expect(admin.role).toBe('ADMIN');
    expect(admin.unit.code).toBe('51');
    expect(await verifyPassword('correct horse battery', admin.passwordHash!)).toBe(true);

    const keys = await prisma.apiKey.findMany({ include: { unit: true }, orderBy: { name: 'asc' } });
    expect(keys.map((k) => [k.role, k.unit.code])).toEqual(
      expect.arrayContaining([
        ['VIEWER', '51'],
        ['VIEWER', '522'],
      ]),
    );
    const province = keys.find((k) => k.unit.code === '51')!;
    expect(apiKeyMatches(provinceKey, province.hash)).toBe(true);
    expect(JSON.stringify(keys)).not.toContain(provinceKey);
  });
});
