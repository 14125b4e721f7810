import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';
import { QueueName, type EventBatchJob, type NormalizedEvent, redisKeyTag, redisQueuePrefix } from '@ioc/contracts';
import { loadConfig } from '@ioc/config';
import { createPrismaClient, migrateDeploy } from '@ioc/persistence';
import { seedDatabase } from '@ioc/seed';
import { AppModule } from '../apps/aggregator/src/app.module';
import { AggregatorConfig } from '../apps/aggregator/src/config/aggregator-config';
import { eventMix } from '../test/support/event-mix';
import { runBench } from './support/run-bench';

/**
 * `npm run bench:aggregator [-- --events=N --batch=N --baseline=N]`: a realistic event mix
 * through the real BullMQ queue into the aggregator (Redis and Postgres on localhost, a database
 * and key prefix of its own), first in batches, then the first `baseline` of the same events one
 * job per event. Prints events/s of both and their ratio; the last line is machine-readable.
 */
const arg = (name: string, fallback: number): number => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
};
const EVENTS = arg('events', 300_000);
const BATCH = arg('batch', 1_000);
const BASELINE = arg('baseline', 10_000);
/** DATABASE_URL's server (each run creates its own database on it) and REDIS_URL, else the local defaults. */
const databaseUrlOn = (database: string): string => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
};
const SERVER_URL = databaseUrlOn('postgres');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const say = (line: string): boolean => process.stdout.write(`${line}\n`);

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

async function drain(queue: Queue<EventBatchJob>): Promise<void> {
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'paused', 'failed');
    const { failed = 0, waiting = 0, active = 0, delayed = 0, paused = 0 } = counts;
    if (failed > 0) throw new Error(`${failed} jobs failed`);
    if (waiting + active + delayed + paused === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Enqueues the jobs while the queue is paused, then times the aggregator from resume to empty. */
async function timed(queue: Queue<EventBatchJob>, jobs: EventBatchJob[], label: string): Promise<number> {
  await queue.pause();
  for (let i = 0; i < jobs.length; i += 500) {
    await queue.addBulk(jobs.slice(i, i + 500).map((data, j) => ({ name: 'batch', data, opts: { jobId: `${label}-${i + j}` } })));
  }
  const events = jobs.reduce((n, job) => n + job.events.length, 0);
  const started = process.hrtime.bigint();
  await queue.resume();
  await drain(queue);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = events / seconds;
  say(`${label}: ${events} events in ${jobs.length} jobs, ${seconds.toFixed(2)} s, ${Math.round(rate)} events/s`);
  return rate;
}

async function main(): Promise<void> {
  const name = `ioc_bench_${randomBytes(6).toString('hex')}`;
  const prefix = `ioc-bench-${randomBytes(6).toString('hex')}`;
  const databaseUrl = databaseUrlOn(name);
  await onServer(`CREATE DATABASE ${name}`);
  const redis = new Redis(REDIS_URL);
  let app: INestApplicationContext | undefined;
  let queue: Queue<EventBatchJob> | undefined;
  try {
    await migrateDeploy(databaseUrl, resolve(process.cwd(), 'prisma', 'migrations'));
    const prisma = createPrismaClient(databaseUrl);
    await seedDatabase(prisma, { adminPassword: 'bench-password-123' });
    const units = await prisma.administrativeUnit.findMany({ where: { validTo: null, children: { none: {} } } });
    await prisma.$disconnect();

    const config = loadConfig(AggregatorConfig, {
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      AGGREGATOR_METRICS_PORT: '0',
    });
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
    await app.init();
    queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { host: '127.0.0.1', port: 6379 }, prefix: redisQueuePrefix(prefix) });

    const now = Date.now();
    const startOfDay = new Date(new Date(now + 7 * 3600_000).toISOString().slice(0, 10) + 'T00:00:00+07:00').getTime();
    const events = eventMix({ units, count: EVENTS, fromMs: startOfDay, toMs: now, seed: 7, sourceId: 'bench', keyPrefix: 'bench' });
    const asJobs = (list: NormalizedEvent[], size: number): EventBatchJob[] => {
      const jobs: EventBatchJob[] = [];
      for (let i = 0; i < list.length; i += size) jobs.push({ sourceId: 'bench', stream: 'mixed', events: list.slice(i, i + size) });
      return jobs;
    };
    say(
      `aggregator bench: ${EVENTS} events in batches of ${BATCH}; baseline: ${BASELINE} of them one job per event; concurrency ${config.AGGREGATOR_CONCURRENCY}; node ${process.execArgv.join(' ') || '(no options)'}`,
    );
    const batched = await timed(queue, asJobs(events, BATCH), 'batched');
    // Baseline on a fresh prefix of idempotency keys, so it does the same work rather than deduplicating.
    const baselineEvents = events.slice(0, BASELINE).map((e) => ({ ...e, idempotencyKey: `baseline-${e.idempotencyKey}` }));
    const baseline = await timed(queue, asJobs(baselineEvents, 1), 'one-job-per-event');
    say(
      `RESULT aggregator events_per_s=${Math.round(batched)} baseline_events_per_s=${Math.round(baseline)} ratio=${(batched / baseline).toFixed(1)}`,
    );
  } finally {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await app?.close();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisKeyTag(prefix)}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

runBench('bench:aggregator', main);
