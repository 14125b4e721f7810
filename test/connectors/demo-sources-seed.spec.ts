import { randomBytes } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
import { DEMO_SOURCES, seedDatabase, seedDemoSources } from '@ioc/seed';
import { CredentialCipher } from '@ioc/security';
import { createTestDatabase, type TestDatabase } from '../support';

describe('seeding the demo sources', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  const cipher = new CredentialCipher(randomBytes(32).toString('base64'));
  const options = { simulatorUrl: 'http://127.0.0.1:4100', simulatorToken: 'sim-demo-token', cipher };

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
    await seedDatabase(prisma, { adminPassword: 'test-admin-password' });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('creates the four simulator sources with encrypted credentials, and a second run changes nothing', async () => {
    expect(await seedDemoSources(prisma, options)).toEqual({ created: 4, updated: 0 });
    const first = await prisma.source.findMany({ orderBy: { name: 'asc' } });
    expect(first.map((s) => s.connectorType).sort()).toEqual(['dvc', 'education', 'health', 'ioffice']);
    for (const source of first) {
      expect(source.credentialsEncrypted).not.toContain('sim-demo-token');
      expect(cipher.decryptJson(source.credentialsEncrypted!)).toEqual({ token: 'sim-demo-token' });
    }

    expect(await seedDemoSources(prisma, options)).toEqual({ created: 0, updated: 0 });
    expect(await prisma.source.findMany({ orderBy: { name: 'asc' } })).toEqual(first);

    expect(await seedDemoSources(prisma, { ...options, simulatorToken: 'rotated-token' })).toEqual({
      created: 0,
      updated: DEMO_SOURCES.length,
    });
  });
});
