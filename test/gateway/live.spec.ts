import type { Socket as NetSocket } from 'node:net';
import { JwtService } from '@nestjs/jwt';
import { io } from 'socket.io-client';
import {
  type IndicatorUpdate,
  LIVE_NAMESPACE,
  SharedRedisKey,
  sharedRedisKey,
  type SnapshotMessage,
  type SourceHealthUpdate,
  type SubscribeAck,
  type SubscriptionRequest,
} from '@ioc/contracts';
import { LiveFanoutService } from '../../apps/gateway/src/live/live-fanout.service';
import { waitFor } from '../support';
import {
  type Backing,
  connect,
  createBacking,
  DISTRICT_KEY,
  indicatorUpdate,
  JWT_SECRET,
  type LiveClient,
  login,
  publish,
  PROVINCE_KEY,
  receivedSeqs,
  record,
  type RunningGateway,
  startGateway,
} from './gateway-harness';

type Ack = SubscribeAck;
const subscribe = (client: LiveClient, request: SubscriptionRequest): Promise<Ack> =>
  new Promise((resolve) => client.emit('subscribe', request, resolve));
/** Sequence numbers of the live updates alone (receivedSeqs adds the snapshots'). */
const liveSeqs = (log: ReturnType<typeof record>, key: string): number[] =>
  log.events
    .filter((event) => event.type === 'update')
    .map((event) => event.payload as IndicatorUpdate)
    .filter((update) => `${update.indicatorId}:${update.unitCode}` === key)
    .map((update) => update.seq);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

jest.setTimeout(30_000);

describe('live gateway (socket.io /live)', () => {
  let backing: Backing;
  /** Tiles of the seeded province dashboard (one stream each). */
  const seededTiles = async (): Promise<number> =>
    ((await backing.prisma.dashboard.findUniqueOrThrow({ where: { slug: 'province-overview' } })).layout as unknown as { tiles: unknown[] })
      .tiles.length;
  let gateway: RunningGateway;
  /** A second process on the same Redis prefix and database, coalescing to 2 updates per tile per second. */
  let second: RunningGateway;
  let adminToken: string;
  const clients: LiveClient[] = [];
  const open = (target: RunningGateway, auth: Record<string, string>): LiveClient => {
    const client = connect(target, auth);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    backing = await createBacking();
    gateway = await startGateway(backing, {
      LIVE_MAX_UPDATES_PER_TILE_PER_S: '0',
      LIVE_MAX_MESSAGES_PER_10S: '20',
      LIVE_SLOW_CLIENT_BYTES: '65536',
    });
    second = await startGateway(backing, { LIVE_MAX_UPDATES_PER_TILE_PER_S: '2', LIVE_MAX_SUBSCRIPTIONS: '20' });
    adminToken = await login(gateway);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  afterAll(async () => {
    await gateway?.close();
    await second?.close();
    await backing?.close();
  });

  it('sends a snapshot equal to the current state, then the deltas in order', async () => {
    await publish(backing, [
      indicatorUpdate('doc.overdue', '522', 1),
      indicatorUpdate('doc.overdue', '522', 2),
      indicatorUpdate('dossier.late', '522', 7),
      indicatorUpdate('dossier.late', '524', 3),
    ]);
    const expected = [indicatorUpdate('doc.overdue', '522', 3), indicatorUpdate('dossier.late', '522', 8)];
    await publish(backing, expected);

    const client = open(gateway, { token: adminToken });
    const log = record(client);
    expect(await subscribe(client, { indicators: ['doc.overdue', 'dossier.late'], units: ['522'] })).toEqual({ ok: true, streams: 2 });
    const snapshot = log.events[0]!;
    expect(snapshot.type).toBe('snapshot');
    const { updates, reset } = snapshot.payload as SnapshotMessage;
    expect(reset).toBe(false);
    expect(updates.sort((a, b) => a.indicatorId.localeCompare(b.indicatorId))).toEqual(expected);

    await publish(
      backing,
      range(4, 13).map((seq) => indicatorUpdate('doc.overdue', '522', seq)),
    );
    await publish(backing, [indicatorUpdate('dossier.late', '524', 4)]);
    await waitFor(async () => (liveSeqs(log, 'doc.overdue:522').length === 10 ? true : undefined), 10_000, 'ten deltas');
    expect(liveSeqs(log, 'doc.overdue:522')).toEqual(range(4, 13));
    expect(liveSeqs(log, 'dossier.late:524')).toEqual([]);
    expect(log.events.filter((event) => event.type === 'snapshot')).toHaveLength(1);
  });

  it('sends the updates of one stream read as one message per socket, in stream order, only of the streams it follows', async () => {
    const both = open(gateway, { apiKey: DISTRICT_KEY });
    const one = open(gateway, { apiKey: DISTRICT_KEY });
    const messages = (client: LiveClient): { event: string; seqs: string[] }[] => {
      const seen: { event: string; seqs: string[] }[] = [];
      const label = (update: IndicatorUpdate): string => `${update.indicatorId}:${update.unitCode}#${update.seq}`;
      client.on('update', (update) => seen.push({ event: 'update', seqs: [label(update)] }));
      client.on('updates', (updates) => seen.push({ event: 'updates', seqs: updates.map(label) }));
      return seen;
    };
    const bothSeen = messages(both);
    const oneSeen = messages(one);
    await subscribe(both, { indicators: ['health.ehr_pct', 'edu.digital_records_pct'], units: ['522'] });
    await subscribe(one, { indicators: ['health.ehr_pct'], units: ['522'] });

    // One MULTI: the gateway's blocked read returns all five entries at once.
    await publish(backing, [
      indicatorUpdate('health.ehr_pct', '522', 1),
      indicatorUpdate('edu.digital_records_pct', '522', 1),
      indicatorUpdate('health.ehr_pct', '522', 2),
      indicatorUpdate('edu.digital_records_pct', '522', 2),
      indicatorUpdate('health.ehr_pct', '522', 3),
    ]);
    await waitFor(async () => (bothSeen.length > 0 && oneSeen.length > 0 ? true : undefined), 5000, 'the deliveries');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bothSeen).toEqual([
      {
        event: 'updates',
        seqs: [
          'health.ehr_pct:522#1',
          'edu.digital_records_pct:522#1',
          'health.ehr_pct:522#2',
          'edu.digital_records_pct:522#2',
          'health.ehr_pct:522#3',
        ],
      },
    ]);
    expect(oneSeen).toEqual([{ event: 'updates', seqs: ['health.ehr_pct:522#1', 'health.ehr_pct:522#2', 'health.ehr_pct:522#3'] }]);
  });

  it('after a forced disconnect during a burst, delivers every update exactly once on resume', async () => {
    const key = 'dossier.online_pct:522';
    const first = open(gateway, { apiKey: DISTRICT_KEY });
    const before = record(first);
    await subscribe(first, { indicators: ['dossier.online_pct'], units: ['522'] });

    const total = 200;
    let published = 0;
    // Paced by the first client until it drops, then steady: the drop and the resume both land mid-burst.
    const burst = (async () => {
      while (published < total) {
        const next = range(published + 1, Math.min(total, published + 5));
        await publish(
          backing,
          next.map((seq) => indicatorUpdate('dossier.online_pct', '522', seq)),
        );
        published = next.at(-1)!;
        if (first.connected)
          await waitFor(async () => (liveSeqs(before, key).length >= published || first.disconnected ? true : undefined), 5000, 'pace');
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await waitFor(async () => (liveSeqs(before, key).length >= 20 ? true : undefined), 10_000, 'the burst to start');
    // Network drop: the transport closes under the client.
    first.io.engine.close();
    await waitFor(async () => (first.disconnected ? true : undefined), 5000, 'the disconnect');
    const seen = liveSeqs(before, key);
    const last = seen.at(-1)!;
    expect(seen.length).toBeLessThan(total);

    const second = open(gateway, { apiKey: DISTRICT_KEY });
    const after = record(second);
    await subscribe(second, { indicators: ['dossier.online_pct'], units: ['522'], positions: { [key]: { epoch: 'epoch-1', seq: last } } });
    await burst;
    await waitFor(async () => (receivedSeqs(after, key).at(-1) === total ? true : undefined), 15_000, 'the end of the burst');

    expect(after.events[0]).toMatchObject({ type: 'snapshot', payload: { reset: false } });
    expect([...seen, ...receivedSeqs(after, key)]).toEqual(range(1, total));
  });

  it('answers positions that are too old, or from another epoch, with a snapshot flagged reset', async () => {
    const key = 'doc.signed_pct:522';
    await publish(
      backing,
      range(1, 30).map((seq) => indicatorUpdate('doc.signed_pct', '522', seq)),
      10,
    );

    const stale = open(gateway, { token: adminToken });
    const staleLog = record(stale);
    await subscribe(stale, { indicators: ['doc.signed_pct'], units: ['522'], positions: { [key]: { epoch: 'epoch-1', seq: 5 } } });
    const snapshot = staleLog.events[0]!.payload as SnapshotMessage;
    expect(snapshot.reset).toBe(true);
    expect(snapshot.updates.map((update) => update.seq)).toEqual([30]);
    expect(liveSeqs(staleLog, key)).toEqual([]);

    const otherEpoch = open(gateway, { token: adminToken });
    const otherLog = record(otherEpoch);
    await subscribe(otherEpoch, { indicators: ['doc.signed_pct'], units: ['522'], positions: { [key]: { epoch: 'epoch-0', seq: 29 } } });
    expect(otherLog.events[0]!.payload).toMatchObject({ reset: true, updates: [{ seq: 30, epoch: 'epoch-1' }] });
  });

  it('refuses subscriptions outside the principal scope with a reason, changing nothing', async () => {
    const client = open(gateway, { apiKey: DISTRICT_KEY });
    const log = record(client);
    const refused = await subscribe(client, { indicators: ['health.visits_today'], units: ['51'] });
    expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('outside your scope') } });
    const dashboard = await subscribe(client, { indicators: [], units: [], dashboard: 'province-overview' });
    expect(dashboard.error?.code).toBe('forbidden');
    const invalid = await subscribe(client, { indicators: ['health.visits_today'], units: ['522'], extra: 1 } as SubscriptionRequest);
    expect(invalid.error).toMatchObject({ code: 'invalid', message: expect.stringContaining('extra') });

    expect(await subscribe(client, { indicators: ['health.visits_today'], units: ['522'] })).toMatchObject({ ok: true });
    await publish(backing, [indicatorUpdate('health.visits_today', '51', 1), indicatorUpdate('health.visits_today', '522', 1)]);
    await waitFor(async () => (liveSeqs(log, 'health.visits_today:522').length === 1 ? true : undefined), 5000, 'the in-scope update');
    expect(liveSeqs(log, 'health.visits_today:51')).toEqual([]);
  });

  it('expands a unit to its subtree and serves a named dashboard to a province display', async () => {
    const district = open(gateway, { apiKey: DISTRICT_KEY });
    const result = await subscribe(district, { indicators: ['edu.attendance_pct'], units: ['522'], subtree: true });
    expect(result.streams).toBeGreaterThan(1);

    await publish(backing, [indicatorUpdate('doc.on_time_pct', '51', 4)]);
    const display = open(gateway, { apiKey: PROVINCE_KEY });
    const log = record(display);
    const tiles = await seededTiles();
    expect(await subscribe(display, { indicators: [], units: [], dashboard: 'province-overview' })).toMatchObject({
      ok: true,
      streams: tiles,
    });
    expect(log.events[0]).toMatchObject({
      type: 'snapshot',
      payload: { reset: false, updates: expect.arrayContaining([expect.objectContaining({ indicatorId: 'doc.on_time_pct', seq: 4 })]) },
    });
  });

  it('accepts an API key sent as the x-api-key header of the upgrade request (the socket keeps it after the request is released)', async () => {
    const display = io(`${gateway.url}${LIVE_NAMESPACE}`, {
      extraHeaders: { 'x-api-key': DISTRICT_KEY },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    }) as LiveClient;
    clients.push(display);
    expect(await subscribe(display, { indicators: ['edu.attendance_pct'], units: ['522'] })).toMatchObject({ ok: true, streams: 1 });
  });

  it('refuses bad, expired and unknown credentials with an error event, then disconnects', async () => {
    const expired = new JwtService({ secret: JWT_SECRET }).sign({ sub: 'nobody', exp: Math.floor(Date.now() / 1000) - 60 });
    const cases: [Record<string, string>, string][] = [
      [{ token: 'not-a-jwt' }, 'Invalid token'],
      [{ token: expired }, 'Token expired'],
      [{ apiKey: 'ioc_unknownKey12_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC' }, 'Unknown API key'],
      [{}, 'Credentials required'],
    ];
    for (const [auth, message] of cases) {
      const client = open(gateway, auth);
      const log = record(client);
      await waitFor(async () => (client.disconnected && log.events.length > 0 ? true : undefined), 5000, `refusal of ${message}`);
      expect(log.events).toEqual([{ type: 'error', payload: { code: 'unauthenticated', message: expect.stringContaining(message) } }]);
    }
  });

  it('tells a connection whose token expires why, then disconnects it', async () => {
    const admin = await backing.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    const shortLived = new JwtService({ secret: JWT_SECRET }).sign({ sub: admin.id, exp: Math.floor(Date.now() / 1000) + 2 });
    const client = open(gateway, { token: shortLived });
    const log = record(client);
    expect(await subscribe(client, { indicators: ['doc.overdue'], units: ['51'] })).toMatchObject({ ok: true });
    await waitFor(async () => (client.disconnected ? true : undefined), 10_000, 'the expiry');
    expect(log.events.at(-1)).toEqual({ type: 'error', payload: { code: 'unauthenticated', message: expect.stringContaining('expired') } });
  });

  it("tells a display that connects every source's current health, then pushes each change from the connectors stream", async () => {
    const lastSuccessAt = new Date(Date.now() - 20_000);
    const source = await backing.prisma.source.create({
      data: {
        name: 'iOffice now',
        connectorType: 'ioffice',
        connectorVersion: '1',
        config: {},
        schedule: 'every:60000',
        health: 'OK',
        lastSuccessAt,
        lagSeconds: 4,
      },
    });
    const client = open(gateway, { apiKey: DISTRICT_KEY });
    const health: SourceHealthUpdate[] = [];
    client.on('source-health', (update) => health.push(update));
    await subscribe(client, { indicators: ['doc.overdue'], units: ['522'] });
    // Between two pulls: without this the display would call every tile fed by the source stale until the next one.
    await waitFor(async () => (health.some((h) => h.sourceId === source.id) ? true : undefined), 5000, 'the current source health');
    expect(health.find((h) => h.sourceId === source.id)).toEqual({
      sourceId: source.id,
      status: 'OK',
      lastSuccessAt: lastSuccessAt.toISOString(),
      lastErrorAt: null,
      lastError: null,
      lagSeconds: 4,
      deadLetterCount: 0,
    });
    health.length = 0;
    const update: SourceHealthUpdate = {
      sourceId: 'ioffice-522',
      status: 'DOWN',
      lastSuccessAt: '2026-11-23T01:00:00.000Z',
      lastErrorAt: '2026-11-23T01:05:00.000Z',
      lastError: 'HTTP 503',
      lagSeconds: 300,
      deadLetterCount: 0,
    };
    await backing.redis.client.xadd(sharedRedisKey(backing.redis.prefix, SharedRedisKey.SourceHealth), '*', 'u', JSON.stringify(update));
    await waitFor(async () => (health.length > 0 ? true : undefined), 5000, 'the source health');
    expect(health).toEqual([update]);
  });

  it('delivers an update published once through both gateway processes', async () => {
    const onFirst = open(gateway, { apiKey: PROVINCE_KEY });
    const onSecond = open(second, { apiKey: PROVINCE_KEY });
    const logs = [record(onFirst), record(onSecond)];
    await subscribe(onFirst, { indicators: ['dossier.late'], units: ['51'] });
    await subscribe(onSecond, { indicators: ['dossier.late'], units: ['51'] });
    await publish(backing, [indicatorUpdate('dossier.late', '51', 1)]);
    for (const log of logs) await waitFor(async () => (liveSeqs(log, 'dossier.late:51').length === 1 ? true : undefined), 5000, 'delivery');
  });

  it('coalesces a flood to at most N updates per tile per second, latest value winning', async () => {
    const client = open(second, { apiKey: PROVINCE_KEY });
    const log = record(client);
    await subscribe(client, { indicators: ['doc.processed_online_pct'], units: ['51'] });
    await publish(
      backing,
      range(1, 50).map((seq) => indicatorUpdate('doc.processed_online_pct', '51', seq)),
    );
    await waitFor(async () => (liveSeqs(log, 'doc.processed_online_pct:51').at(-1) === 50 ? true : undefined), 5000, 'the latest value');
    const seqs = liveSeqs(log, 'doc.processed_online_pct:51');
    expect(seqs.length).toBeLessThan(50);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('gives a client that cannot keep up the latest value per tile instead of an ever-growing buffer', async () => {
    const fanout = gateway.app.get(LiveFanoutService);
    const client = open(gateway, { apiKey: PROVINCE_KEY });
    const log = record(client);
    const indicators = ['doc.overdue', 'doc.on_time_pct', 'dossier.late', 'dossier.online_pct', 'edu.attendance_pct'];
    await subscribe(client, { indicators, units: ['524', '525'] });
    const keys = indicators.flatMap((indicatorId) => ['524', '525'].map((unitCode) => ({ indicatorId, unitCode })));
    // Large updates (many sources' freshness) fill the socket buffers quickly.
    const big = (tile: { indicatorId: string; unitCode: string }, seq: number): IndicatorUpdate => ({
      ...indicatorUpdate(tile.indicatorId, tile.unitCode, seq),
      freshness: Array.from({ length: 30 }, (_, i) => ({
        sourceId: `source-${i}`,
        lastSuccessAt: new Date().toISOString(),
        lagSeconds: i,
      })),
    });

    // The display stops reading (its TCP socket is paused) while updates keep coming.
    const tcp = (client.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;
    tcp.pause();
    let seq = 0;
    while (fanout.slowSockets === 0 && seq < 3000) {
      seq += 1;
      await publish(
        backing,
        keys.map((tile) => big(tile, seq)),
      );
    }
    expect(fanout.slowSockets).toBe(1);
    const final = seq + 50;
    for (seq += 1; seq <= final; seq += 1)
      await publish(
        backing,
        keys.map((tile) => big(tile, seq)),
      );

    tcp.resume();
    const lastOf = (tile: { indicatorId: string; unitCode: string }): number | undefined =>
      liveSeqs(log, `${tile.indicatorId}:${tile.unitCode}`).at(-1);
    await waitFor(async () => (keys.every((tile) => lastOf(tile) === final) ? true : undefined), 20_000, 'the latest values');
    for (const tile of keys) {
      const seqs = liveSeqs(log, `${tile.indicatorId}:${tile.unitCode}`);
      expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual(seqs);
    }
    expect(log.events.filter((event) => event.type === 'update').length).toBeLessThan(keys.length * final);
    await waitFor(async () => (fanout.slowSockets === 0 ? true : undefined), 5000, 'the client to be caught up');
  });

  it('bounds the number of streams per connection', async () => {
    const client = open(second, { apiKey: PROVINCE_KEY });
    const log = record(client);
    expect(await subscribe(client, { indicators: [], units: [], dashboard: 'province-overview' })).toMatchObject({
      ok: true,
      streams: await seededTiles(),
    });
    const refused = await subscribe(client, { indicators: ['doc.overdue'], units: ['51'], subtree: true });
    expect(refused).toEqual({ ok: false, error: { code: 'rate_limited', message: expect.stringContaining('at most 20 per connection') } });
    expect(log.events.filter((event) => event.type === 'snapshot')).toHaveLength(1);
  });

  it('disconnects a client that floods messages, saying why', async () => {
    const client = open(gateway, { apiKey: DISTRICT_KEY });
    const log = record(client);
    await subscribe(client, { indicators: ['doc.overdue'], units: ['522'] });
    for (let i = 0; i < 30; i += 1) client.emit('unsubscribe', { indicators: ['x'], units: ['y'] });
    await waitFor(async () => (client.disconnected ? true : undefined), 5000, 'the disconnect');
    expect(log.events.find((event) => event.type === 'error')?.payload).toMatchObject({ code: 'rate_limited' });
  });
});
