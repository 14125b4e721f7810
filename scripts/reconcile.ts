import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { Presets, SingleBar } from 'cli-progress';
import { QueueEvents } from 'bullmq';
import { loadConfig, redisTopologyOf } from '@ioc/config';
import { type EventBatchJob, type EventBatchResult, type NormalizedEvent, partitionQueuePrefix, QueueName } from '@ioc/contracts';
import { createPrismaClient, fromSourceEventRow, type Prisma } from '@ioc/persistence';
import { checkDependencies, createRedisClient } from '@ioc/platform';
import { EventQueues } from '@ioc/queues';
import { OperatorError, parseCommandLine, parseCount, parseInstant, runOperatorScript, UsageError } from './cli';
import { StackConfig } from './stack-config';

const USAGE = `usage: npm run reconcile -- --since <date> [--until <date>] [--source <id>] [--batch <n>] [--json]
  Puts the events the connectors received in [since, until) back on the events queue, from
  source_events (the record of every accepted event). The aggregator counts an idempotency key
  once, so events it holds change nothing and events a Redis failover lost are counted again.
  Run it after a failover with --since a little before the failover.
  dates:   2026-11-20 (local midnight, UTC+7) or 2026-11-20T08:00:00+07:00; --until defaults to now
  --batch: events per queued batch (default 500)   --json: progress and result as JSON lines
env:       DATABASE_URL, REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER_NODES), REDIS_PREFIX (as the apps)`;

const OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  source: { type: 'string' },
  batch: { type: 'string' },
  json: { type: 'boolean' },
} as const;
const PAGE = 5000;

/** A page of events cut into batches of one source and stream each, as the connectors queue them. */
function batchesOf(events: NormalizedEvent[], size: number): EventBatchJob[] {
  const byStream = new Map<string, NormalizedEvent[]>();
  for (const event of events) {
    const key = `${event.sourceId}\n${event.stream}`;
    const group = byStream.get(key);
    if (group) group.push(event);
    else byStream.set(key, [event]);
  }
  const batches: EventBatchJob[] = [];
  for (const group of byStream.values()) {
    for (let start = 0; start < group.length; start += size) {
      const chunk = group.slice(start, start + size);
      batches.push({ sourceId: chunk[0]!.sourceId, stream: chunk[0]!.stream, events: chunk });
    }
  }
  return batches;
}

runOperatorScript('reconcile', USAGE, async () => {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const since = parseInstant('since', values.since);
  if (!since) throw new UsageError('--since is required');
  const until = parseInstant('until', values.until) ?? new Date();
  if (since.getTime() >= until.getTime()) throw new UsageError('--since must be before --until');
  const batchSize = parseCount('batch', values.batch, 5000) ?? 500;
  if (batchSize === 0) throw new UsageError('--batch must be at least 1');

  const config = loadConfig(StackConfig);
  await checkDependencies(config);
  const prisma = createPrismaClient(config.DATABASE_URL);
  const connection = createRedisClient(redisTopologyOf(config));
  const eventsConnection = createRedisClient(redisTopologyOf(config));
  const queues = new EventQueues(connection, config.REDIS_PREFIX, config.AGGREGATION_PARTITIONS);
  // One listener per partition's queue: a batch is split over them, each piece finishes on its own.
  const queueEvents = queues.queues.map(
    (_, partition) =>
      new QueueEvents(QueueName.Events, { connection: eventsConnection, prefix: partitionQueuePrefix(config.REDIS_PREFIX, partition) }),
  );
  try {
    if (values.source && !(await prisma.source.findUnique({ where: { id: values.source } }).catch(() => null)))
      throw new OperatorError(`no source "${values.source}"`);
    if ((await queues.minWorkersCount()) === 0) {
      throw new OperatorError(
        `no aggregator is running on ${config.REDIS_PREFIX} (for every one of its ${queues.partitions} partition(s)) to apply the events: start it and try again`,
      );
    }
    const where: Prisma.SourceEventWhereInput = {
      receivedAt: { gte: since, lt: until },
      ...(values.source ? { sourceId: values.source } : {}),
    };
    const total = await prisma.sourceEvent.count({ where });
    const runId = randomUUID();
    const requestedBy = `cli:${userInfo().username}`;
    await prisma.auditLog.create({
      data: {
        actorType: 'SYSTEM',
        actorId: requestedBy.slice(0, 64),
        action: 'events.reconcile',
        entityType: 'source_events',
        entityId: runId,
        after: { since: since.toISOString(), until: until.toISOString(), sourceId: values.source ?? null, events: total },
      },
    });
    await Promise.all(queueEvents.map((listener) => listener.waitUntilReady()));
    const bar = values.json
      ? null
      : new SingleBar(
          {
            format: 'reconcile [{bar}] {percentage}% | {value}/{total} events | {applied} re-applied | ETA {eta_formatted}',
            stream: process.stderr,
            noTTYOutput: true,
            notTTYSchedule: 1000,
          },
          Presets.shades_classic,
        );
    bar?.start(total, 0, { applied: 0 });
    const outcome = { events: 0, applied: 0, refused: 0 };
    const finished = (batch: EventBatchJob, result: EventBatchResult): void => {
      outcome.events += batch.events.length;
      outcome.applied += result.applied;
      outcome.refused += result.refused;
      if (bar) bar.update(outcome.events, { applied: outcome.applied });
      else process.stdout.write(`${JSON.stringify({ event: 'progress', done: outcome.events, total, applied: outcome.applied })}\n`);
    };
    const waiting: Promise<void>[] = [];
    let lastId: bigint | undefined;
    let sequence = 0;
    for (;;) {
      const rows = await prisma.sourceEvent.findMany({
        where: { ...where, ...(lastId !== undefined ? { id: { gt: lastId } } : {}) },
        orderBy: { id: 'asc' },
        take: PAGE,
      });
      if (rows.length === 0) break;
      lastId = rows.at(-1)!.id;
      const batches = batchesOf(rows.map(fromSourceEventRow), batchSize);
      // Ids unique to this run: a batch an earlier run queued may itself have been lost with the failover.
      const queued = await queues.add(
        batches.map((data) => ({ name: 'event-batch', data, jobId: `reconcile-${runId}-${(sequence += 1)}` })),
      );
      for (const { partition, job } of queued) {
        waiting.push(
          job.waitUntilFinished(queueEvents[partition]!).then(
            (result: EventBatchResult) => finished(job.data, result),
            (error: Error) => {
              throw new OperatorError(`batch ${job.id} failed: ${error.message}`);
            },
          ),
        );
      }
    }
    try {
      await Promise.all(waiting);
    } finally {
      bar?.stop();
    }
    // Gauge readings are not counted as applied: they keep the newest by time, so re-sending one is harmless either way.
    const unchanged = outcome.events - outcome.applied - outcome.refused;
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ event: 'completed', runId, since: since.toISOString(), until: until.toISOString(), ...outcome, unchanged })}\n`
        : `reconciled ${outcome.events} event(s) received from ${since.toISOString()} to ${until.toISOString()}: ${outcome.applied} were missing and are counted now, ${unchanged} changed nothing (already counted, or gauge readings, which keep the newest by time), ${outcome.refused} refused (dead-lettered with the reason)\n`,
    );
  } finally {
    await Promise.all(queueEvents.map((listener) => listener.close()));
    await queues.close();
    await Promise.all([connection.quit(), eventsConnection.quit()]);
    await prisma.$disconnect();
  }
});
