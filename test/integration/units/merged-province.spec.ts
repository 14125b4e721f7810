import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import request from 'supertest';
import { importUnits, QUANG_NGAI_UNIT_LIST_FILE, quangNgaiUnitList, type PrismaClient } from '@ioc/persistence';
import { seedDatabase } from '@ioc/seed';
import { hashPassword } from '@ioc/security';
import { ADMIN_PASSWORD, createBacking, login, startGateway, type Backing, type RunningGateway } from '../../gateway/gateway-harness';
import { PROJECT_ROOT, dumpAllTables, runCompiled } from '../../support';

/** The list file read as plain JSON, independently of the importer. */
interface RawUnit {
  code: string;
  kind: string;
  parent: string | null;
  validTo: string | null;
  predecessors: { code: string; share: string }[];
}
const RAW: RawUnit[] = (JSON.parse(readFileSync(resolve(PROJECT_ROOT, QUANG_NGAI_UNIT_LIST_FILE), 'utf8')) as { units: RawUnit[] }).units;

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const DAY = (date: string): Date => new Date(`${date}T00:00:00+07:00`);

describe('the merged Quảng Ngãi loaded from the official list (real Postgres, HTTP)', () => {
  let backing: Backing & { seeded: Awaited<ReturnType<typeof createBacking>>['seeded'] };
  let prisma: PrismaClient;
  let gateway: RunningGateway;

  beforeAll(async () => {
    backing = await createBacking({});
    prisma = backing.prisma;
    gateway = await startGateway(backing);
  });
  afterAll(async () => {
    await gateway.close();
    await backing.close();
  });

  it('has 96 commune-level units in force directly under the province (86 xã, 9 phường, 1 đặc khu) and no district tier', async () => {
    const province = await prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '51' } });
    const active = await prisma.administrativeUnit.findMany({
      where: { validTo: null, tier: 'COMMUNE', path: { startsWith: province.path } },
    });
    expect(active).toHaveLength(96);
    expect(active.every((unit) => unit.parentId === province.id)).toBe(true);
    const kinds = active.reduce<Record<string, number>>((count, unit) => ({ ...count, [unit.kind]: (count[unit.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ COMMUNE: 86, WARD: 9, SPECIAL_ZONE: 1 });
    expect(await prisma.administrativeUnit.count({ where: { tier: 'DISTRICT', validTo: null } })).toBe(0);
    expect(await prisma.administrativeUnit.count({ where: { tier: 'DISTRICT', validTo: DAY('2025-07-01') } })).toBe(23);
    expect(active.every((unit) => unit.source?.includes('1027/CTK-CSCL'))).toBe(true);

    // The province overview (tree) lists only the units in force.
    const admin = await login(gateway, 'admin', ADMIN_PASSWORD);
    const tree = (
      await request(gateway.app.getHttpServer())
        .get('/units/tree')
        .set(...bearer(admin))
        .expect(200)
    ).body as { code: string; children: { tier: string }[] };
    expect(tree.code).toBe('51');
    expect(tree.children.filter((child) => child.tier === 'COMMUNE')).toHaveLength(96);
    expect(tree.children.some((child) => child.tier === 'DISTRICT')).toBe(false);
  });

  it('links every former unit to the unit that took it over', async () => {
    const kontum = await prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '62' }, include: { successor: true } });
    expect([kontum.validTo, kontum.successor?.code]).toEqual([DAY('2025-07-01'), '51']);
    const formerCommunes = await prisma.administrativeUnit.findMany({
      where: { validTo: DAY('2025-07-01'), tier: 'COMMUNE' },
      include: { successor: true },
    });
    expect(formerCommunes).toHaveLength(272);
    expect(formerCommunes.every((unit) => unit.successor !== null && unit.successor.validTo === null)).toBe(true);
  });

  it('imports the list twice without changing anything, through the command a province runs', async () => {
    const before = await dumpAllTables(backing.db.url);
    const { report } = await importUnits(prisma, quangNgaiUnitList().units);
    expect(report).toEqual({ created: 0, updated: 0, unchanged: RAW.length, moved: [], orphaned: [] });

    const command = runCompiled('scripts/units-import.js', { DATABASE_URL: backing.db.url, LOG_LEVEL: 'info' }, [
      QUANG_NGAI_UNIT_LIST_FILE,
    ]);
    expect(await command.exited).toBe(0);
    expect(command.output()).toMatch(/"created":0,"updated":0,"unchanged":408/);
    // The whole seed (units, leaders, default rules, keys) too.
    expect(await seedDatabase(prisma, { adminPassword: 'another password' })).toEqual({ created: 0, updated: 0, generatedSecrets: {} });
    expect(await dumpAllTables(backing.db.url)).toEqual(before);
  });

  it('refuses a list with problems, naming each with its place, and imports nothing', async () => {
    const before = await dumpAllTables(backing.db.url);
    const file = resolve(mkdtempSync(resolve(tmpdir(), 'units-')), 'broken.json');
    const units = [
      {
        code: '99',
        name: 'Tỉnh thử',
        kind: 'PROVINCE',
        parent: null,
        validFrom: '2025-07-01T00:00:00+07:00',
        validTo: null,
        predecessors: [],
        source: 'test',
      },
      {
        code: '99001',
        name: 'Xã thử',
        kind: 'VILLAGE',
        parent: '98',
        validFrom: 'yesterday',
        validTo: null,
        predecessors: [{ code: '77', share: 'full' }],
        source: '',
      },
    ];
    writeFileSync(file, JSON.stringify({ list: 'test', sources: {}, units }));
    const command = runCompiled('scripts/units-import.js', { DATABASE_URL: backing.db.url });
    expect(await command.exited).not.toBe(0);
    expect(command.output()).toMatch(/Usage: npm run units:import -- <unit list file.json>/);

    const rejected = runCompiled('scripts/units-import.js', { DATABASE_URL: backing.db.url }, [file]);
    expect(await rejected.exited).toBe(1);
    for (const problem of [
      'units[1] (99001).kind: expected PROVINCE',
      'units[1] (99001).validFrom: expected an ISO date-time',
      'units[1] (99001).source: expected where the code comes from',
    ]) {
      expect(rejected.output()).toContain(problem);
    }
    expect(await dumpAllTables(backing.db.url)).toEqual(before);
  });

  it('moves a user scoped to a merged commune to its successor (audited); the user then sees the successor and its past', async () => {
    const tinhKhe = RAW.find((unit) => unit.code === '21211' && unit.validTo === null)!;
    const formerCode = tinhKhe.predecessors[0]!.code;
    const former = await prisma.administrativeUnit.findUniqueOrThrow({ where: { code: formerCode } });
    const user = await prisma.user.create({
      data: {
        username: 'chutich.tinhky',
        displayName: 'Chủ tịch UBND xã (cũ)',
        role: 'LEADER',
        unitId: former.id,
        passwordHash: await hashPassword('leader-password-1'),
      },
    });

    const { report } = await importUnits(prisma, quangNgaiUnitList().units);
    expect(report.moved).toEqual([{ kind: 'user', id: user.id, name: 'chutich.tinhky', fromUnit: formerCode, toUnit: '21211' }]);
    const moved = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, include: { unit: true } });
    expect(moved.unit.code).toBe('21211');
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityType: 'user', entityId: user.id } });
    expect([audit.actorType, audit.action, audit.before, (audit.after as { unitCode: string }).unitCode]).toEqual([
      'SYSTEM',
      'scope.moved_to_successor',
      { unitCode: formerCode },
      '21211',
    ]);

    const token = await login(gateway, 'chutich.tinhky', 'leader-password-1');
    const http = gateway.app.getHttpServer();
    const tree = (
      await request(http)
        .get('/units/tree')
        .set(...bearer(token))
        .expect(200)
    ).body as { code: string };
    expect(tree.code).toBe('21211');
    const history = (query: string) =>
      request(http)
        .get(`/values/history?indicator=doc.processed_online_pct&resolution=DAY&from=2025-06-01T00:00:00Z&to=2025-07-10T00:00:00Z&${query}`)
        .set(...bearer(token));
    await history('unit=21211').expect(200);
    await history(`unit=${encodeURIComponent(formerCode)}`).expect(200); // its predecessor, as history
    const neighbour = RAW.find((unit) => unit.code === '21025' && unit.validTo === null)!;
    await history(`unit=${encodeURIComponent(neighbour.predecessors[0]!.code)}`).expect(403);
    await history('unit=21025').expect(403);
  });

  it("gives a new commune, before 2025-07-01, the sum of its predecessors' history (ratio = Σnumerators / Σdenominators)", async () => {
    const indicator = 'doc.processed_online_pct';
    const tinhKhe = RAW.find((unit) => unit.code === '21211' && unit.validTo === null)!;
    const predecessorCodes = tinhKhe.predecessors.map((p) => p.code);
    expect(predecessorCodes.length).toBeGreaterThanOrEqual(2);
    const outsider = RAW.find((unit) => unit.code === '21025' && unit.validTo === null)!.predecessors[0]!.code;
    const days = ['2025-06-27', '2025-06-30', '2025-07-01', '2025-07-02'];
    const ids = new Map(
      (await prisma.administrativeUnit.findMany({ where: { code: { in: [...predecessorCodes, outsider, '21211'] } } })).map((u) => [
        u.code,
        u.id,
      ]),
    );

    // Deterministic figures: former communes report until 30 June, the new commune from 1 July.
    const stored: { code: string; day: string; numerator: number; denominator: number }[] = [];
    let n = 7;
    for (const day of days) {
      const reporters = day < '2025-07-01' ? [...predecessorCodes, outsider] : ['21211', outsider];
      for (const code of reporters) {
        n = (n * 31 + 11) % 97;
        const denominator = 20 + n;
        stored.push({ code, day, numerator: Math.round(denominator * (0.5 + (n % 40) / 100)), denominator });
      }
    }
    await prisma.indicatorSnapshot.createMany({
      data: stored.map((row) => ({
        indicatorId: indicator,
        unitId: ids.get(row.code)!,
        resolution: 'DAY' as const,
        bucketStart: DAY(row.day),
        numerator: row.numerator,
        denominator: row.denominator,
        value: (row.numerator * 100) / row.denominator,
        asOf: DAY(row.day),
      })),
    });

    const token = await login(gateway, 'chutich.tinhky', 'leader-password-1'); // moved to 21211 above
    const response = await request(gateway.app.getHttpServer())
      .get(`/values/history?indicator=${indicator}&unit=21211&resolution=DAY&from=2025-06-01T00:00:00Z&to=2025-07-10T00:00:00Z`)
      .set(...bearer(token))
      .expect(200);
    const points = (response.body as { points: { bucketStart: string; numerator: number; denominator: number; value: number }[] }).points;

    const lineage = new Set([...predecessorCodes, '21211']);
    const expected = days.map((day) => {
      const rows = stored.filter((row) => row.day === day && lineage.has(row.code));
      const numerator = rows.reduce((sum, row) => sum + row.numerator, 0);
      const denominator = rows.reduce((sum, row) => sum + row.denominator, 0);
      return { bucketStart: DAY(day).toISOString(), numerator, denominator, value: (numerator * 100) / denominator };
    });
    expect(points.map(({ bucketStart, numerator, denominator, value }) => ({ bucketStart, numerator, denominator, value }))).toEqual(
      expected.map((point) => ({ ...point, value: expect.closeTo(point.value, 10) as unknown as number })),
    );
  });
});
