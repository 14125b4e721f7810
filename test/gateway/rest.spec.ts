import request from 'supertest';
import type { App } from 'supertest/types';
import type { SubscriptionRequest } from '@ioc/contracts';
import { waitFor } from '../support';
import {
  type Backing,
  connect,
  createBacking,
  DISTRICT_KEY,
  indicatorUpdate,
  login,
  publish,
  PROVINCE_KEY,
  record,
  type RunningGateway,
  startGateway,
} from './gateway-harness';

jest.setTimeout(30_000);

describe('gateway REST API', () => {
  let backing: Backing;
  let gateway: RunningGateway;
  let http: App;
  let admin: string;
  const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
  const key = (apiKey: string): [string, string] => ['X-API-Key', apiKey];

  beforeAll(async () => {
    backing = await createBacking();
    gateway = await startGateway(backing);
    http = gateway.app.getHttpServer() as App;
    admin = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await backing?.close();
  });

  it('serves /health and /docs without credentials and answers 401 with a clear body elsewhere', async () => {
    await request(http).get('/health').expect(200);
    const docs = await request(http).get('/docs-json').expect(200);
    expect(Object.keys((docs.body as { paths: object }).paths)).toEqual(
      expect.arrayContaining(['/values', '/dashboards/{slug}', '/admin/api-keys']),
    );
    const missing = await request(http).get('/indicators').expect(401);
    expect(missing.body).toMatchObject({
      statusCode: 401,
      error: 'unauthenticated',
      message: expect.stringContaining('Credentials required'),
    });
    await request(http).post('/auth/login').send({ username: 'admin', password: 'wrong' }).expect(401);
    await request(http)
      .get('/indicators')
      .set(...bearer('garbage'))
      .expect(401);
  });

  it('refuses invalid bodies and queries with 400 naming each field', async () => {
    const response = await request(http)
      .post('/dashboards')
      .set(...bearer(admin))
      .send({
        slug: 'Bad Slug',
        title: 'x',
        unitCode: '522',
        layout: { columns: 4, tiles: [{ indicatorId: 'doc.overdue' }] },
        colour: 'red',
      })
      .expect(400);
    const fields = (response.body as { fields: { field: string }[] }).fields.map((entry) => entry.field);
    expect(fields).toEqual(expect.arrayContaining(['slug', 'colour', 'layout.tiles.0.unitCode']));
    const query = await request(http)
      .get('/values/history?indicator=doc.overdue&unit=522&resolution=WEEK&from=yesterday&to=2026-01-01')
      .set(...bearer(admin))
      .expect(400);
    expect((query.body as { fields: { field: string }[] }).fields.map((entry) => entry.field)).toEqual(
      expect.arrayContaining(['resolution', 'from']),
    );
  });

  it('authorizes by role and by unit scope', async () => {
    const viewerWrite = await request(http)
      .post('/targets')
      .set(...key(PROVINCE_KEY))
      .send({ indicatorId: 'doc.overdue', tier: 'PROVINCE', comparator: 'LTE', value: 5 })
      .expect(403);
    expect(viewerWrite.body).toMatchObject({ error: 'forbidden', message: expect.stringContaining('ADMIN') });
    await request(http)
      .get('/admin/users')
      .set(...key(PROVINCE_KEY))
      .expect(403);
    await request(http)
      .get('/sources')
      .set(...key(PROVINCE_KEY))
      .expect(403);
    await request(http)
      .get('/sources')
      .set(...bearer(admin))
      .expect(200);

    const outside = await request(http)
      .get('/values?indicators=doc.overdue&units=51')
      .set(...key(DISTRICT_KEY))
      .expect(403);
    expect(outside.body).toMatchObject({ error: 'forbidden', message: expect.stringContaining('outside your scope') });
    await request(http)
      .get('/dashboards/province-overview')
      .set(...key(DISTRICT_KEY))
      .expect(403);
    await request(http)
      .get('/dashboards/no-such-board')
      .set(...key(DISTRICT_KEY))
      .expect(404);
    expect(
      (
        await request(http)
          .get('/dashboards')
          .set(...key(DISTRICT_KEY))
          .expect(200)
      ).body,
    ).toEqual([]);

    const tree = await request(http)
      .get('/units/tree')
      .set(...key(DISTRICT_KEY))
      .expect(200);
    expect(tree.body).toMatchObject({ code: '522' });
    expect((tree.body as { children: unknown[] }).children.length).toBeGreaterThan(0);
    await request(http)
      .get('/units/tree?root=51')
      .set(...key(DISTRICT_KEY))
      .expect(403);
  });

  it('serves current values and history inside the scope', async () => {
    const latest = indicatorUpdate('dossier.on_time_pct', '522', 3);
    await publish(backing, [indicatorUpdate('dossier.on_time_pct', '522', 2), latest]);
    const values = await request(http)
      .get('/values?indicators=dossier.on_time_pct&units=522')
      .set(...key(DISTRICT_KEY))
      .expect(200);
    expect(values.body).toEqual([latest]);

    const unit = await backing.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '522' } });
    const hours = ['2026-11-20T01:00:00Z', '2026-11-20T02:00:00Z', '2026-11-20T03:00:00Z'];
    await backing.prisma.indicatorSnapshot.createMany({
      data: hours.map((hour, index) => ({
        indicatorId: 'dossier.on_time_pct',
        unitId: unit.id,
        resolution: 'HOUR' as const,
        bucketStart: new Date(hour),
        value: 80 + index,
        numerator: 80 + index,
        denominator: 100,
        asOf: new Date(hour),
      })),
    });
    const history = await request(http)
      .get('/values/history?indicator=dossier.on_time_pct&unit=522&resolution=HOUR&from=2026-11-20T01:30:00Z&to=2026-11-21T00:00:00Z')
      .set(...key(DISTRICT_KEY))
      .expect(200);
    expect((history.body as { points: { value: number }[] }).points.map((point) => point.value)).toEqual([81, 82]);
  });

  it('audits admin changes to users and API keys, and a revoked key stops working', async () => {
    const created = await request(http)
      .post('/admin/users')
      .set(...bearer(admin))
      .send({
        username: 'chutich.522',
        displayName: 'Chủ tịch UBND TP Quảng Ngãi',
        password: 'mat-khau-rat-dai-1',
        role: 'LEADER',
        unitCode: '522',
      })
      .expect(201);
    const userId = (created.body as { id: string }).id;
    expect(created.body).not.toHaveProperty('passwordHash');
    await request(http)
      .patch(`/admin/users/${userId}`)
      .set(...bearer(admin))
      .send({ role: 'VIEWER' })
      .expect(200);

    const leader = await login(gateway, 'chutich.522', 'mat-khau-rat-dai-1');
    expect(
      (
        await request(http)
          .get('/auth/me')
          .set(...bearer(leader))
          .expect(200)
      ).body,
    ).toMatchObject({ role: 'VIEWER', unitCode: '522' });

    const issued = await request(http)
      .post('/admin/api-keys')
      .set(...bearer(admin))
      .send({ name: 'Màn hình xã', role: 'DISPLAY', unitCode: '522' })
      .expect(201);
    const { id: keyId, key: newKey } = issued.body as { id: string; key: string };
    await request(http)
      .get('/auth/me')
      .set(...key(newKey))
      .expect(200);
    await request(http)
      .post(`/admin/api-keys/${keyId}/revoke`)
      .set(...bearer(admin))
      .expect(200);
    const revoked = await request(http)
      .get('/auth/me')
      .set(...key(newKey))
      .expect(401);
    expect(revoked.body).toMatchObject({ message: 'API key revoked' });

    const me = (
      await request(http)
        .get('/auth/me')
        .set(...bearer(admin))
        .expect(200)
    ).body as { id: string };
    const trail = (
      await request(http)
        .get('/admin/audit')
        .set(...bearer(admin))
        .expect(200)
    ).body as {
      action: string;
      actorId: string;
      actorType: string;
      entityId: string;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    }[];
    const mine = trail.filter((entry) => entry.entityId === userId || entry.entityId === keyId);
    expect(mine.map((entry) => entry.action).sort()).toEqual(['api_key.create', 'api_key.revoke', 'user.create', 'user.update']);
    expect(mine.every((entry) => entry.actorId === me.id && entry.actorType === 'USER')).toBe(true);
    const update = mine.find((entry) => entry.action === 'user.update')!;
    expect([update.before?.role, update.after?.role]).toEqual(['LEADER', 'VIEWER']);
    expect(JSON.stringify(mine)).not.toMatch(/passwordHash|scrypt:|"hash"/);

    // Scope of admins: a district-level admin cannot create users at province level.
    await request(http)
      .patch(`/admin/users/${userId}`)
      .set(...bearer(admin))
      .send({ role: 'ADMIN' })
      .expect(200);
    const districtAdmin = await login(gateway, 'chutich.522', 'mat-khau-rat-dai-1');
    await request(http)
      .post('/admin/users')
      .set(...bearer(districtAdmin))
      .send({ username: 'someone.51', displayName: 'x', password: 'mat-khau-rat-dai-2', role: 'VIEWER', unitCode: '51' })
      .expect(403);
  });

  it('manages dashboards, audits them and pushes changes to the displays showing them', async () => {
    const layout = { columns: 2, tiles: [{ indicatorId: 'doc.overdue', unitCode: '522', thresholds: { good: 0, warn: 5 } }] };
    await request(http)
      .post('/dashboards')
      .set(...bearer(admin))
      .send({ slug: 'tp-quang-ngai', title: 'TP Quảng Ngãi', unitCode: '522', layout })
      .expect(201);

    const display = connect(gateway, { apiKey: DISTRICT_KEY });
    const log = record(display);
    try {
      const ack = await new Promise((resolve) =>
        display.emit('subscribe', { indicators: [], units: [], dashboard: 'tp-quang-ngai' } as SubscriptionRequest, resolve),
      );
      expect(ack).toMatchObject({ ok: true, streams: 1 });
      await request(http)
        .put('/dashboards/tp-quang-ngai')
        .set(...bearer(admin))
        .send({ layout: { ...layout, tiles: [...layout.tiles, { indicatorId: 'dossier.late', unitCode: '522' }] } })
        .expect(200);
      await waitFor(async () => log.events.find((event) => event.type === 'dashboard'), 5000, 'the dashboard push');
      expect(log.events.find((event) => event.type === 'dashboard')?.payload).toEqual({
        slug: 'tp-quang-ngai',
        version: 2,
        deleted: false,
      });
    } finally {
      display.disconnect();
    }
    const actions = await backing.prisma.auditLog.findMany({ where: { entityType: 'dashboard' }, orderBy: { id: 'asc' } });
    expect(actions.map((entry) => entry.action)).toEqual(['dashboard.create', 'dashboard.update']);
  });

  // Last: it spends this address's login allowance.
  it('rate-limits login attempts with 429', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      statuses.push((await request(http).post('/auth/login').send({ username: 'admin', password: 'wrong' })).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
  });
});
