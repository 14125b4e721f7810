import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { WebSocketServer } from 'ws';

/**
 * Baseline for bench/gateway.bench.ts: the plainest fan-out there is. Every message published
 * on a Redis pub/sub channel is sent as-is to every connected `ws` client. No auth, no rooms,
 * no ordering or resume. Args: <redis url> <channel>; prints "PORT <n>" when listening.
 */
const [redisUrl, channel] = process.argv.slice(2);
if (!redisUrl || !channel) throw new Error('usage: baseline-server <redis url> <channel>');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
const subscriber = new Redis(redisUrl);
subscriber.on('message', (_channel: string, message: string) => {
  for (const client of server.clients) client.send(message);
});
const listening = new Promise((resolve) => server.once('listening', resolve));
void Promise.all([subscriber.subscribe(channel), listening]).then(() => {
  process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  subscriber.disconnect();
  process.exit(0);
});
