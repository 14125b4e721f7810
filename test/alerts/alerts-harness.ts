import { createECDH, createHmac, createPublicKey, hkdfSync, createDecipheriv, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { loadConfig } from '@ioc/config';
import { QueueName, SharedRedisKey, sharedRedisKey, type IndicatorUpdate, type SourceHealthUpdate } from '@ioc/contracts';
import { AppModule } from '../../apps/aggregator/src/app.module';
import { ALERT_CLOCK } from '../../apps/aggregator/src/alerts/alert-clock';
import { ALERT_CONSUMER_GROUP, AlertStreamsProcessor } from '../../apps/aggregator/src/alerts/alert-streams.processor';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export interface RunningAggregator {
  module: TestingModule;
  streams: AlertStreamsProcessor;
  close(): Promise<void>;
}

/** The aggregator app (alerts feature) in-process, with the clock replaced and the timer off (the test ticks). */
export async function startAggregator(env: Record<string, string>, clock: ManualClock): Promise<RunningAggregator> {
  const config = loadConfig(AggregatorConfig, {
    LOG_LEVEL: 'silent',
    AGGREGATOR_METRICS_PORT: '0',
    ALERT_EVALUATION_INTERVAL_MS: '0',
    ...env,
  });
  const module = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(ALERT_CLOCK)
    .useValue(clock)
    .compile();
  await module.init();
  // QueuesModule hands BullMQ a connection of its own, which BullMQ never closes; the test must.
  const bullConnection = module.get<Queue>(getQueueToken(QueueName.Notifications)).opts.connection as Redis;
  return {
    module,
    streams: module.get(AlertStreamsProcessor),
    close: async () => {
      await module.close();
      bullConnection.disconnect();
    },
  };
}

export async function publishIndicator(
  redis: Redis,
  prefix: string,
  update: Partial<IndicatorUpdate> & { unitCode: string; value: number | null },
): Promise<string> {
  const full: IndicatorUpdate = {
    indicatorId: 'doc.processed_online_pct',
    numerator: null,
    denominator: null,
    own: { value: update.value, numerator: null, denominator: null },
    target: 70,
    judged: null,
    status: 'on_track',
    asOf: new Date().toISOString(),
    freshness: [],
    seq: 1,
    epoch: 'test',
    ...update,
  };
  return (await redis.xadd(sharedRedisKey(prefix, SharedRedisKey.IndicatorUpdates), '*', 'u', JSON.stringify(full)))!;
}

export async function publishHealth(redis: Redis, prefix: string, update: SourceHealthUpdate): Promise<string> {
  return (await redis.xadd(sharedRedisKey(prefix, SharedRedisKey.SourceHealth), '*', 'u', JSON.stringify(update)))!;
}

/** True once the "alerts" group has read and acknowledged everything in both streams. */
export async function streamsDrained(redis: Redis, prefix: string): Promise<true | undefined> {
  for (const key of [SharedRedisKey.IndicatorUpdates, SharedRedisKey.SourceHealth]) {
    const stream = sharedRedisKey(prefix, key);
    const info = (await redis.xinfo('STREAM', stream)) as unknown[];
    const last = info[info.indexOf('last-generated-id') + 1];
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    const group = groups.map((g) => g as unknown[]).find((g) => g[g.indexOf('name') + 1] === ALERT_CONSUMER_GROUP);
    if (!group) return undefined;
    if (group[group.indexOf('pending') + 1] !== 0 || group[group.indexOf('last-delivered-id') + 1] !== last) return undefined;
  }
  return true;
}

/** Polls streamsDrained every 10 ms (the shared waitFor's 100 ms would dominate step-by-step scenarios). */
export async function waitForDrained(redis: Redis, prefix: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await streamsDrained(redis, prefix))) {
    if (Date.now() > deadline) throw new Error(`alert streams of ${prefix} not drained after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface WebhookHit {
  deliveryId: string;
  status: number;
  signatureValid: boolean;
  body: { userId: string; title: string; alerts: unknown[] };
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });

/** A webhook receiver that checks the HMAC and answers 500 to the first `failures` attempts of each delivery. */
export async function startWebhookServer(secret: string, failures: number): Promise<{ url: string; hits: WebhookHit[]; server: Server }> {
  const hits: WebhookHit[] = [];
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const deliveryId = String(req.headers['x-ioc-delivery']);
      const expected = `sha256=${createHmac('sha256', secret)
        .update(`${String(req.headers['x-ioc-timestamp'])}.${raw.toString()}`)
        .digest('hex')}`;
      const n = (seen.get(deliveryId) ?? 0) + 1;
      seen.set(deliveryId, n);
      const status = n <= failures ? 500 : 200;
      hits.push({ deliveryId, status, signatureValid: req.headers['x-ioc-signature'] === expected, body: JSON.parse(raw.toString()) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits, server };
}

export interface PushHit {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A push service: 201 for /push/live/*, 410 Gone for /push/gone/*. */
export async function startPushServer(): Promise<{ base: string; hits: PushHit[]; server: Server }> {
  const hits: PushHit[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      hits.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(req.url?.startsWith('/push/gone/') ? 410 : 201).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

/** A browser's side of a push subscription: P-256 key pair and auth secret. */
export function createSubscriptionKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authText: auth.toString('base64url') };
}

/** Decrypts an RFC 8291 (aes128gcm, RFC 8188) Web Push body with the subscription's private key. */
export function decryptPush(body: Buffer, keys: ReturnType<typeof createSubscriptionKeys>): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const shared = keys.ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), serverPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, keys.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('last record delimiter missing');
  return padded.subarray(0, end).toString('utf8');
}

/** Checks the VAPID Authorization header ("vapid t=<JWT>, k=<public key>") against our key and the endpoint's origin. */
export function vapidValid(authorization: string | undefined, publicKey: string, origin: string): boolean {
  const match = /^vapid t=([^,]+),\s*k=(.+)$/.exec(authorization ?? '');
  if (!match || match[2] !== publicKey) return false;
  const [header, claims, signature] = match[1]!.split('.');
  if (!header || !claims || !signature) return false;
  const raw = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  return ok && (JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string }).aud === origin;
}
