import { io } from 'socket.io-client';
import { LIVE_NAMESPACE, type SubscribeAck, type SubscriptionRequest } from '@ioc/contracts';
import { waitFor } from '../support';
import {
  type Backing,
  createBacking,
  indicatorUpdate,
  type LiveClient,
  PROVINCE_KEY,
  publish,
  receivedSeqs,
  record,
  type RunningGateway,
  startGateway,
} from './gateway-harness';

type Ack = SubscribeAck;
const subscribe = (client: LiveClient, request: SubscriptionRequest): Promise<Ack> =>
  new Promise((resolve) => client.emit('subscribe', request, resolve));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const CLIENTS = 100;
/** Patient clients: on a loaded machine a storm's handshakes may take longer than socket.io-client's default 20 s. */
const connect = (gateway: RunningGateway, auth: Record<string, string>): LiveClient =>
  io(`${gateway.url}${LIVE_NAMESPACE}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 120_000 });
const REQUEST = { indicators: ['doc.overdue', 'dossier.late'], units: ['51', '522'] };
const STREAMS = REQUEST.indicators.flatMap((indicatorId) => REQUEST.units.map((unitCode) => ({ indicatorId, unitCode })));
const keyOf = (stream: { indicatorId: string; unitCode: string }): string => `${stream.indicatorId}:${stream.unitCode}`;

jest.setTimeout(240_000);

describe('reconnect storm (socket.io /live)', () => {
  let backing: Backing;
  let gateway: RunningGateway;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    backing = await createBacking();
    gateway = await startGateway(backing, { LIVE_MAX_UPDATES_PER_TILE_PER_S: '0', LIVE_MAX_MESSAGES_PER_10S: '1000' });
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await gateway?.close();
    await backing?.close();
  });

  it('resumes many displays at the same position at once, each gap-free and duplicate-free, while updates keep coming', async () => {
    const publishSeqs = (seqs: number[]): Promise<void> =>
      publish(
        backing,
        seqs.flatMap((seq) => STREAMS.map((stream) => indicatorUpdate(stream.indicatorId, stream.unitCode, seq))),
      );
    await publishSeqs(range(1, 10));

    // Every display holds seq 10 of every stream when the network drops.
    const positions = Object.fromEntries(STREAMS.map((stream) => [keyOf(stream), { epoch: 'epoch-1', seq: 10 }]));
    // Missed while down, plus other streams' traffic the resume reads back through.
    await publishSeqs(range(11, 20));
    await publish(
      backing,
      range(1, 300).map((seq) => indicatorUpdate('health.visits_today', '522', seq)),
    );

    const resumed = Array.from({ length: CLIENTS }, () => {
      const client = connect(gateway, { apiKey: PROVINCE_KEY });
      clients.push(client);
      return { client, log: record(client) };
    });
    let published = 20;
    let publishing = true;
    const during = (async () => {
      while (publishing) {
        published += 1;
        await publishSeqs([published]);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const acks = await Promise.all(resumed.map(({ client }) => subscribe(client, { ...REQUEST, positions })));
    publishing = false;
    await during;

    expect(acks.filter((ack) => !ack.ok)).toEqual([]);
    expect(acks.every((ack) => ack.streams === STREAMS.length)).toBe(true);
    await waitFor(
      async () =>
        resumed.every(({ log }) => STREAMS.every((stream) => receivedSeqs(log, keyOf(stream)).at(-1) === published)) ? true : undefined,
      120_000,
      `every display to reach seq ${published}`,
    );
    for (const { log } of resumed) {
      // The missed updates come in the one snapshot, flagged as a resume, not a reset.
      expect(log.events[0]).toMatchObject({ type: 'snapshot', payload: { reset: false } });
      expect(log.events.filter((event) => event.type === 'snapshot')).toHaveLength(1);
      for (const stream of STREAMS) expect(receivedSeqs(log, keyOf(stream))).toEqual(range(11, published));
    }
  });

  it('serves displays at different positions of the same streams in one go, each from its own position', async () => {
    const key = 'edu.attendance_pct:51';
    await publish(
      backing,
      range(1, 40).map((seq) => indicatorUpdate('edu.attendance_pct', '51', seq)),
    );
    const displays = range(1, 60).map((index) => {
      const client = connect(gateway, { apiKey: PROVINCE_KEY });
      clients.push(client);
      return { client, log: record(client), from: (index % 30) + 5 };
    });
    const acks = await Promise.all(
      displays.map(({ client, from }) =>
        subscribe(client, { indicators: ['edu.attendance_pct'], units: ['51'], positions: { [key]: { epoch: 'epoch-1', seq: from } } }),
      ),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
    await publish(backing, [indicatorUpdate('edu.attendance_pct', '51', 41)]);
    await waitFor(
      async () => (displays.every(({ log }) => receivedSeqs(log, key).at(-1) === 41) ? true : undefined),
      30_000,
      'seq 41 everywhere',
    );
    for (const { log, from } of displays) expect(receivedSeqs(log, key)).toEqual(range(from + 1, 41));
  });
});
