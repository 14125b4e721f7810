import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { type AlertNotification, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import type { AlertState } from '@ioc/persistence';
import { hashPassword } from '@ioc/security';
import { waitFor } from '../support';
import { type Backing, connect, createBacking, type LiveClient, login, type RunningGateway, startGateway } from './gateway-harness';

jest.setTimeout(60_000);

const PASSWORD = 'mat-khau-rat-dai-1';
type AckResult = { ok: boolean; state?: string; error?: { code: string; message: string } };

const USERS = [
  ['leader.522', 'LEADER', '522'],
  ['leader.524', 'LEADER', '524'],
  ['viewer.522', 'VIEWER', '522'],
  ['operator.51', 'OPERATOR', '51'],
  ['operator.522', 'OPERATOR', '522'],
] as const;
type Username = (typeof USERS)[number][0];

describe('gateway alerts: REST, rules, silences and the live socket', () => {
  let backing: Backing;
  let gateway: RunningGateway;
  let http: App;
  let admin: string;
  // Filled for every user of USERS in beforeAll.
  const tokens = {} as Record<Username, string>;
  const userIds = {} as Record<Username, string>;
  const clients: LiveClient[] = [];
  let ruleId: string;
  const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

  const createAlert = async (unitCode: string, state: AlertState, startedAt: string, severity: 'CRITICAL' | 'MAJOR' = 'MAJOR') => {
    const unit = await backing.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: unitCode } });
    const alert = await backing.prisma.alert.create({
      data: {
        ruleId,
        unitId: unit.id,
        fingerprint: `${ruleId}|${unit.id}|${randomUUID()}`,
        state,
        severity,
        value: 55,
        threshold: 70,
        startedAt: new Date(startedAt),
        firedAt: new Date(startedAt),
      },
    });
    return alert.id;
  };
  const client = (token: string): LiveClient => {
    const socket = connect(gateway, { token });
    clients.push(socket);
    return socket;
  };
  const socketAck = (socket: LiveClient, alertId: string): Promise<AckResult> =>
    new Promise((resolve) => socket.emit('alert:ack', { alertId }, resolve));
  const fields = (body: unknown): string[] => (body as { fields: { field: string }[] }).fields.map((f) => f.field);

  beforeAll(async () => {
    backing = await createBacking();
    gateway = await startGateway(backing);
    http = gateway.app.getHttpServer() as App;
    admin = await login(gateway);
    const passwordHash = await hashPassword(PASSWORD);
    for (const [username, role, code] of USERS) {
      const unit = await backing.prisma.administrativeUnit.findUniqueOrThrow({ where: { code } });
      const user = await backing.prisma.user.create({ data: { username, displayName: username, role, unitId: unit.id, passwordHash } });
      userIds[username] = user.id;
      tokens[username] = await login(gateway, username, PASSWORD);
    }
    const rule = await backing.prisma.alertRule.create({
      data: {
        name: 'Hồ sơ trực tuyến dưới 70%',
        kind: 'THRESHOLD_BELOW',
        indicatorId: 'doc.processed_online_pct',
        params: { threshold: 70 },
        severity: 'MAJOR',
      },
    });
    ruleId = rule.id;
  });

  afterAll(async () => {
    for (const socket of clients) socket.disconnect();
    await gateway?.close();
    await backing?.close();
  });

  it('lists the open alerts of the caller subtree, newest first, with filters and names', async () => {
    const older = await createAlert('21001', 'FIRING', '2026-11-20T01:00:00Z');
    const newer = await createAlert('522', 'ACKNOWLEDGED', '2026-11-21T01:00:00Z', 'CRITICAL');
    const resolved = await createAlert('522', 'RESOLVED', '2026-11-22T01:00:00Z');
    const elsewhere = await createAlert('524', 'FIRING', '2026-11-22T02:00:00Z');

    const mine = (
      await request(http)
        .get('/alerts')
        .set(...bearer(tokens['leader.522']))
        .expect(200)
    ).body as Record<string, unknown>[];
    expect(mine.map((a) => a.id)).toEqual([newer, older]);
    expect(mine[1]).toMatchObject({
      unitCode: '21001',
      ruleName: 'Hồ sơ trực tuyến dưới 70%',
      value: 55,
      threshold: 70,
      since: '2026-11-20T01:00:00.000Z',
    });
    expect(typeof mine[1]?.unitName).toBe('string');

    const critical = (
      await request(http)
        .get('/alerts?severity=CRITICAL')
        .set(...bearer(tokens['leader.522']))
        .expect(200)
    ).body as { id: string }[];
    expect(critical.map((a) => a.id)).toEqual([newer]);
    const closed = (
      await request(http)
        .get('/alerts?state=RESOLVED')
        .set(...bearer(tokens['leader.522']))
        .expect(200)
    ).body as { id: string }[];
    expect(closed.map((a) => a.id)).toEqual([resolved]);
    expect(
      fields(
        (
          await request(http)
            .get('/alerts?state=GONE')
            .set(...bearer(tokens['leader.522']))
            .expect(400)
        ).body,
      ),
    ).toEqual(['state']);

    const province = (
      await request(http)
        .get('/alerts')
        .set(...bearer(tokens['operator.51']))
        .expect(200)
    ).body as { id: string }[];
    expect(province.map((a) => a.id)).toEqual([elsewhere, newer, older]);
  });

  it('hides and protects alerts outside the subtree (404) and refuses VIEWER actions (403)', async () => {
    const other = await createAlert('524', 'FIRING', '2026-11-22T03:00:00Z');
    const own = await createAlert('522', 'FIRING', '2026-11-22T03:00:00Z');
    const leader = tokens['leader.522'];
    await request(http)
      .get(`/alerts/${other}`)
      .set(...bearer(leader))
      .expect(404);
    expect(
      (
        await request(http)
          .post(`/alerts/${other}/acknowledge`)
          .set(...bearer(leader))
          .send({})
          .expect(404)
      ).body,
    ).toMatchObject({ error: 'not_found' });
    await request(http)
      .post(`/alerts/${other}/comments`)
      .set(...bearer(leader))
      .send({ body: 'xem giúp' })
      .expect(404);

    await request(http)
      .get(`/alerts/${own}`)
      .set(...bearer(tokens['viewer.522']))
      .expect(200);
    await request(http)
      .post(`/alerts/${own}/acknowledge`)
      .set(...bearer(tokens['viewer.522']))
      .send({})
      .expect(403);
    await request(http)
      .post(`/alerts/${own}/resolve`)
      .set(...bearer(tokens['viewer.522']))
      .send({})
      .expect(403);
    expect((await backing.prisma.alert.findUniqueOrThrow({ where: { id: other } })).state).toBe('FIRING');
    expect((await backing.prisma.alert.findUniqueOrThrow({ where: { id: own } })).state).toBe('FIRING');
  });

  it('acknowledges, comments and resolves with history; a wrong state is 409, an empty comment 400', async () => {
    const id = await createAlert('21001', 'FIRING', '2026-11-22T04:00:00Z');
    const leader = tokens['leader.522'];
    const acked = await request(http)
      .post(`/alerts/${id}/acknowledge`)
      .set(...bearer(leader))
      .send({ note: 'Đã giao xã xử lý' })
      .expect(200);
    expect(acked.body).toMatchObject({ id, state: 'ACKNOWLEDGED', acknowledgedById: userIds['leader.522'] });
    const again = await request(http)
      .post(`/alerts/${id}/acknowledge`)
      .set(...bearer(leader))
      .send({})
      .expect(409);
    expect(again.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('ACKNOWLEDGED') });

    await request(http)
      .post(`/alerts/${id}/comments`)
      .set(...bearer(leader))
      .send({ body: 'Xã báo đã khắc phục' })
      .expect(201);
    expect(
      fields(
        (
          await request(http)
            .post(`/alerts/${id}/comments`)
            .set(...bearer(leader))
            .send({ body: '   ' })
            .expect(400)
        ).body,
      ),
    ).toEqual(['body']);
    expect(
      fields(
        (
          await request(http)
            .post(`/alerts/${id}/comments`)
            .set(...bearer(leader))
            .send({ text: 'x' })
            .expect(400)
        ).body,
      ),
    ).toEqual(expect.arrayContaining(['text', 'body']));

    await request(http)
      .post(`/alerts/${id}/resolve`)
      .set(...bearer(leader))
      .send({})
      .expect(200);
    await request(http)
      .post(`/alerts/${id}/acknowledge`)
      .set(...bearer(leader))
      .send({})
      .expect(409);
    await request(http)
      .post(`/alerts/${id}/resolve`)
      .set(...bearer(leader))
      .send({})
      .expect(409);

    const detail = (
      await request(http)
        .get(`/alerts/${id}`)
        .set(...bearer(leader))
        .expect(200)
    ).body as {
      state: string;
      transitions: { fromState: string; toState: string; actorId: string; note: string | null }[];
      comments: { body: string; userId: string }[];
    };
    expect(detail.state).toBe('RESOLVED');
    expect(detail.transitions).toEqual([
      expect.objectContaining({ fromState: 'FIRING', toState: 'ACKNOWLEDGED', actorId: userIds['leader.522'], note: 'Đã giao xã xử lý' }),
      expect.objectContaining({ fromState: 'ACKNOWLEDGED', toState: 'RESOLVED', actorId: userIds['leader.522'] }),
    ]);
    expect(detail.comments).toEqual([expect.objectContaining({ body: 'Xã báo đã khắc phục', userId: userIds['leader.522'] })]);
  });

  it('validates alert rules by kind with field paths, keeps them in scope and audits every change', async () => {
    const operator = tokens['operator.51'];
    const bad = await request(http)
      .post('/alert-rules')
      .set(...bearer(operator))
      .send({ name: 'x', kind: 'THRESHOLD_BELOW', params: {}, severity: 'HUGE', forSeconds: -1, scope: { tiers: ['HAMLET'] } })
      .expect(400);
    expect(fields(bad.body)).toEqual(expect.arrayContaining(['severity', 'forSeconds', 'scope.tiers']));
    const badParams = await request(http)
      .post('/alert-rules')
      .set(...bearer(operator))
      .send({ name: 'x', kind: 'RATE_OF_CHANGE', indicatorId: 'doc.overdue', params: { windowSeconds: 0, extra: 1 }, severity: 'MINOR' })
      .expect(400);
    expect(fields(badParams.body)).toEqual(expect.arrayContaining(['params.windowSeconds', 'params.maxChange', 'params.extra']));
    const noIndicator = await request(http)
      .post('/alert-rules')
      .set(...bearer(operator))
      .send({ name: 'x', kind: 'THRESHOLD_ABOVE', params: { threshold: 5 }, severity: 'MINOR' })
      .expect(400);
    expect(fields(noIndicator.body)).toEqual(['indicatorId']);
    await request(http)
      .post('/alert-rules')
      .set(...bearer(tokens['leader.522']))
      .send({})
      .expect(403);
    await request(http)
      .get('/alert-rules')
      .set(...bearer(tokens['viewer.522']))
      .expect(403);

    const created = await request(http)
      .post('/alert-rules')
      .set(...bearer(operator))
      .send({
        name: 'Hồ sơ quá hạn tăng nhanh',
        kind: 'RATE_OF_CHANGE',
        indicatorId: 'doc.overdue',
        params: { windowSeconds: 3600, maxChange: 10 },
        severity: 'MAJOR',
        scope: { subtreeOf: '522', tiers: ['COMMUNE'] },
        forSeconds: 300,
        keepFiringSeconds: 600,
      })
      .expect(201);
    const id = (created.body as { id: string }).id;
    expect(created.body).toMatchObject({ kind: 'RATE_OF_CHANGE', forSeconds: 300, keepFiringSeconds: 600, enabled: true });
    // Changing the kind re-validates the stored params against the new kind.
    expect(
      fields(
        (
          await request(http)
            .patch(`/alert-rules/${id}`)
            .set(...bearer(operator))
            .send({ kind: 'STALE_SOURCE' })
            .expect(400)
        ).body,
      ),
    ).toEqual(expect.arrayContaining(['params.maxAgeSeconds']));
    await request(http)
      .patch(`/alert-rules/${id}`)
      .set(...bearer(operator))
      .send({ severity: 'CRITICAL', enabled: false })
      .expect(200);
    expect(
      (
        await request(http)
          .get(`/alert-rules/${id}`)
          .set(...bearer(operator))
          .expect(200)
      ).body,
    ).toMatchObject({ severity: 'CRITICAL', enabled: false });
    await request(http)
      .delete(`/alert-rules/${id}`)
      .set(...bearer(operator))
      .expect(204);
    await request(http)
      .get(`/alert-rules/${id}`)
      .set(...bearer(operator))
      .expect(404);

    const audit = await backing.prisma.auditLog.findMany({ where: { entityType: 'alert_rule', entityId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => [row.action, row.actorId])).toEqual([
      ['alert_rule.create', userIds['operator.51']],
      ['alert_rule.update', userIds['operator.51']],
      ['alert_rule.delete', userIds['operator.51']],
    ]);
    expect(audit[1]?.before).toMatchObject({ severity: 'MAJOR' });
    expect(audit[1]?.after).toMatchObject({ severity: 'CRITICAL' });
  });

  it('manages silences with validated matchers and windows, audited', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const badRegex = await request(http)
      .post('/silences')
      .set(...bearer(admin))
      .send({ matchers: [{ name: 'unitCode', value: '(', isRegex: true }], endsAt })
      .expect(400);
    expect(fields(badRegex.body)).toEqual(['matchers']);
    const badShape = await request(http)
      .post('/silences')
      .set(...bearer(admin))
      .send({ matchers: [{ name: 'colour', value: '' }], endsAt: 'soon' })
      .expect(400);
    expect(fields(badShape.body)).toEqual(expect.arrayContaining(['matchers.0.name', 'matchers.0.value', 'endsAt']));
    const backwards = await request(http)
      .post('/silences')
      .set(...bearer(admin))
      .send({ matchers: [{ name: 'unitCode', value: '522' }], startsAt: endsAt, endsAt: new Date().toISOString() })
      .expect(400);
    expect(fields(backwards.body)).toEqual(['endsAt']);

    const created = await request(http)
      .post('/silences')
      .set(...bearer(admin))
      .send({ matchers: [{ name: 'unitCode', value: '21.*', isRegex: true }], endsAt, comment: 'Bảo trì' })
      .expect(201);
    const id = (created.body as { id: string }).id;
    expect(
      (
        (
          await request(http)
            .get('/silences')
            .set(...bearer(admin))
            .expect(200)
        ).body as { id: string }[]
      ).map((s) => s.id),
    ).toContain(id);
    await request(http)
      .patch(`/silences/${id}`)
      .set(...bearer(admin))
      .send({ endsAt: new Date(Date.now() + 60_000).toISOString() })
      .expect(200);
    await request(http)
      .delete(`/silences/${id}`)
      .set(...bearer(admin))
      .expect(204);
    const audit = await backing.prisma.auditLog.findMany({ where: { entityType: 'silence', entityId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => row.action)).toEqual(['silence.create', 'silence.update', 'silence.delete']);
  });

  it("keeps silences and rules inside their author's subtree, refusals audited (issue 13 finding 2)", async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const district = tokens['operator.522'];
    const province = (
      await request(http)
        .post('/silences')
        .set(...bearer(admin))
        .send({ matchers: [{ name: 'unitCode', value: '524' }], endsAt })
        .expect(201)
    ).body as { id: string; unitCode: string };
    expect(province.unitCode).toBe('51');

    // A district operator's "/51/.*" silence is accepted but belongs to (and can only mute) the district.
    const wide = await request(http)
      .post('/silences')
      .set(...bearer(district))
      .send({ matchers: [{ name: 'unitPath', value: '/51/.*', isRegex: true }], endsAt })
      .expect(201);
    expect(wide.body).toMatchObject({ unitCode: '522' });
    await request(http)
      .post('/silences')
      .set(...bearer(district))
      .send({ matchers: [{ name: 'unitCode', value: '524' }], endsAt, unitCode: '51' })
      .expect(403);
    // The catastrophic pattern of finding 1 compiles on RE2 (linear time); a lookbehind has no linear algorithm and is refused by name.
    await request(http)
      .post('/silences')
      .set(...bearer(district))
      .send({ matchers: [{ name: 'ruleId', value: '([0-9a-f-]+)+Z', isRegex: true }], endsAt })
      .expect(201);
    const lookbehind = await request(http)
      .post('/silences')
      .set(...bearer(district))
      .send({ matchers: [{ name: 'unitCode', value: '(?<=5)22', isRegex: true }], endsAt })
      .expect(400);
    expect((lookbehind.body as { message: string }).message).toContain('(?<');

    const listed = (
      await request(http)
        .get('/silences')
        .set(...bearer(district))
        .expect(200)
    ).body as { id: string; unitCode: string }[];
    expect(listed.map((s) => s.unitCode)).toEqual(['522', '522']);
    expect(listed.map((s) => s.id)).not.toContain(province.id);
    await request(http)
      .get(`/silences/${province.id}`)
      .set(...bearer(district))
      .expect(403);
    await request(http)
      .patch(`/silences/${province.id}`)
      .set(...bearer(district))
      .send({ endsAt: new Date(Date.now() + 60_000).toISOString() })
      .expect(403);
    await request(http)
      .delete(`/silences/${province.id}`)
      .set(...bearer(district))
      .expect(403);
    expect(await backing.prisma.silence.findUniqueOrThrow({ where: { id: province.id } })).toMatchObject({ endsAt: new Date(endsAt) });
    const refusals = await backing.prisma.auditLog.findMany({ where: { entityId: province.id, action: 'silence.refused' } });
    expect(refusals.map((row) => row.actorId)).toEqual([userIds['operator.522'], userIds['operator.522'], userIds['operator.522']]);
    // The province still sees and manages the district's silence.
    await request(http)
      .delete(`/silences/${(wide.body as { id: string }).id}`)
      .set(...bearer(admin))
      .expect(204);

    const provinceRule = (
      await request(http)
        .post('/alert-rules')
        .set(...bearer(admin))
        .send({
          name: 'Toàn tỉnh',
          kind: 'THRESHOLD_BELOW',
          indicatorId: 'doc.processed_online_pct',
          params: { threshold: 50 },
          severity: 'MINOR',
        })
        .expect(201)
    ).body as { id: string };
    const districtRule = (
      await request(http)
        .post('/alert-rules')
        .set(...bearer(district))
        .send({
          name: 'Quận 522',
          kind: 'THRESHOLD_BELOW',
          indicatorId: 'doc.processed_online_pct',
          params: { threshold: 50 },
          severity: 'MINOR',
          scope: { subtreeOf: '522' },
        })
        .expect(201)
    ).body as { id: string; unitId: string };
    const rules = (
      (
        await request(http)
          .get('/alert-rules')
          .set(...bearer(district))
          .expect(200)
      ).body as { id: string }[]
    ).map((r) => r.id);
    expect(rules).toContain(districtRule.id);
    expect(rules).not.toContain(provinceRule.id);
    await request(http)
      .patch(`/alert-rules/${provinceRule.id}`)
      .set(...bearer(district))
      .send({ severity: 'CRITICAL' })
      .expect(403);
    await request(http)
      .delete(`/alert-rules/${provinceRule.id}`)
      .set(...bearer(district))
      .expect(403);
    await request(http)
      .delete(`/alert-rules/${districtRule.id}`)
      .set(...bearer(admin))
      .expect(204);
    await request(http)
      .delete(`/alert-rules/${provinceRule.id}`)
      .set(...bearer(admin))
      .expect(204);
  });

  it('delivers a notification to every live session of its recipient only, and acknowledges over the socket', async () => {
    const first = client(tokens['leader.522']);
    const second = client(tokens['leader.522']);
    const other = client(tokens['leader.524']);
    const viewer = client(tokens['viewer.522']);
    const received = new Map<LiveClient, AlertNotification[]>();
    for (const socket of [first, second, other]) {
      received.set(socket, []);
      socket.on('alert', (notification) => received.get(socket)!.push(notification));
    }
    // An ack round-trip per socket: once answered, the socket is authenticated and in its user's room.
    for (const socket of [first, second, other]) {
      expect(await socketAck(socket, randomUUID())).toMatchObject({
        ok: false,
        error: { message: expect.stringContaining('does not exist') },
      });
    }

    const alertId = await createAlert('21001', 'FIRING', '2026-11-22T05:00:00Z');
    const stream = sharedRedisKey(backing.redis.prefix, SharedRedisKey.AlertNotifications);
    const notification = (userId: string, deliveryId: string): AlertNotification => ({
      deliveryId,
      userId,
      groupKey: `${ruleId}|522`,
      ruleId,
      severity: 'MAJOR',
      escalationLevel: 0,
      locale: 'vi',
      title: 'Cảnh báo',
      body: '1 xã dưới 70%',
      link: '/leader.html',
      sentAt: new Date().toISOString(),
      alerts: [{ alertId, unitCode: '21001', unitName: 'Phường', value: 55, threshold: 70, since: '2026-11-22T05:00:00.000Z' }],
    });
    await backing.redis.client.xadd(stream, '*', 'n', JSON.stringify(notification(userIds['leader.522'], 'delivery-522')));
    await backing.redis.client.xadd(stream, '*', 'n', JSON.stringify(notification(userIds['leader.524'], 'delivery-524')));
    await waitFor(
      async () => ([first, second, other].every((s) => received.get(s)!.length > 0) ? true : undefined),
      10_000,
      'the notifications',
    );
    // The stream is read in order, so once 524's own arrived, 522's would have reached it before.
    expect(received.get(first)!.map((n) => n.deliveryId)).toEqual(['delivery-522']);
    expect(received.get(second)!.map((n) => n.deliveryId)).toEqual(['delivery-522']);
    expect(received.get(other)!.map((n) => n.deliveryId)).toEqual(['delivery-524']);
    expect(received.get(first)![0]).toMatchObject({ alerts: [{ alertId, unitCode: '21001' }] });

    expect(await socketAck(other, alertId)).toMatchObject({ ok: false });
    expect(await socketAck(viewer, alertId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await socketAck(first, alertId)).toEqual({ ok: true, state: 'ACKNOWLEDGED' });
    expect(await socketAck(second, alertId)).toMatchObject({ ok: false, error: { message: expect.stringContaining('ACKNOWLEDGED') } });
    const stored = await backing.prisma.alert.findUniqueOrThrow({ where: { id: alertId } });
    expect(stored).toMatchObject({ state: 'ACKNOWLEDGED', acknowledgedById: userIds['leader.522'] });
    expect(await socketAck(first, 'not-a-uuid')).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('alertId') },
    });
  });
});
