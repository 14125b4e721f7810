import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { Presets, SingleBar } from 'cli-progress';
import { Queue, QueueEvents } from 'bullmq';
import { loadConfig, redisTopologyOf } from '@ioc/config';
import {
  type HistoryResolution,
  QueueName,
  type RecomputeJob,
  type RecomputeProgress,
  type RecomputeResult,
  redisQueuePrefix,
} from '@ioc/contracts';
import { createPrismaClient } from '@ioc/persistence';
import { checkDependencies, createRedisClient } from '@ioc/platform';
import { DEFAULT_JOB_OPTIONS } from '@ioc/queues';
import { OperatorError, parseCommandLine, parseInstant, runOperatorScript, UsageError } from './cli';
import { StackConfig } from './stack-config';

const USAGE = `usage: npm run recompute -- --from <date> --to <date> [--indicator <id>] [--unit <code>] [--resolution HOUR,DAY] [--json]
  Rebuilds indicator history (indicator_snapshots) for [from, to) from the stored source events.
  A running aggregator does the work; this shows its progress and the result.
  dates:  2026-11-20 (local midnight, UTC+7) or 2026-11-20T08:00:00+07:00
  --unit: that unit and its subtree    --resolution: any of MINUTE, HOUR, DAY (default HOUR,DAY)
  --json: progress and result as JSON lines instead of a progress bar
env:      DATABASE_URL, REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER_NODES), REDIS_PREFIX (as the apps)`;

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  indicator: { type: 'string' },
  unit: { type: 'string' },
  resolution: { type: 'string' },
  json: { type: 'boolean' },
} as const;
const RESOLUTIONS: HistoryResolution[] = ['MINUTE', 'HOUR', 'DAY'];

runOperatorScript('recompute', USAGE, async () => {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const from = parseInstant('from', values.from);
  const to = parseInstant('to', values.to);
  if (!from || !to) throw new UsageError('--from and --to are required');
  if (from.getTime() >= to.getTime()) throw new UsageError('--from must be before --to');
  const resolutions = (values.resolution ?? 'HOUR,DAY').split(',').map((r) => r.trim().toUpperCase());
  const unknown = resolutions.filter((r) => !(RESOLUTIONS as string[]).includes(r));
  if (unknown.length > 0) throw new UsageError(`--resolution: unknown ${unknown.join(', ')} (use ${RESOLUTIONS.join(', ')})`);

  const config = loadConfig(StackConfig);
  await checkDependencies(config);
  const prisma = createPrismaClient(config.DATABASE_URL);
  const connection = createRedisClient(redisTopologyOf(config));
  const eventsConnection = createRedisClient(redisTopologyOf(config));
  const queue = new Queue<RecomputeJob, RecomputeResult>(QueueName.Maintenance, {
    connection,
    prefix: redisQueuePrefix(config.REDIS_PREFIX),
  });
  const events = new QueueEvents(QueueName.Maintenance, { connection: eventsConnection, prefix: redisQueuePrefix(config.REDIS_PREFIX) });
  try {
    if (values.indicator && !(await prisma.indicatorDefinition.findFirst({ where: { id: values.indicator, enabled: true } }))) {
      throw new OperatorError(`no enabled indicator "${values.indicator}"`);
    }
    if (values.unit && !(await prisma.administrativeUnit.findUnique({ where: { code: values.unit } })))
      throw new OperatorError(`no unit "${values.unit}"`);
    if ((await queue.getWorkersCount()) === 0) {
      throw new OperatorError(
        `no aggregator is running on ${config.REDIS_PREFIX} to do the work: start it (npm start, or the aggregator service) and try again`,
      );
    }
    const job: RecomputeJob = {
      from: from.toISOString(),
      to: to.toISOString(),
      indicatorId: values.indicator,
      unitCode: values.unit,
      resolutions: [...new Set(resolutions as HistoryResolution[])],
      requestedBy: `cli:${userInfo().username}`,
    };
    const jobId = `recompute-${randomUUID()}`;
    await events.waitUntilReady();
    const bar = values.json
      ? null
      : new SingleBar(
          // Piped (no TTY), the bar is printed as a line every second instead of redrawn.
          {
            format: 'recompute [{bar}] {percentage}% | {value}/{total} steps | {rows} rows | ETA {eta_formatted}',
            stream: process.stderr,
            noTTYOutput: true,
            notTTYSchedule: 1000,
          },
          Presets.shades_classic,
        );
    const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }): void => {
      if (id !== jobId) return;
      const progress = data as RecomputeProgress;
      if (!bar) process.stdout.write(`${JSON.stringify({ event: 'progress', jobId, ...progress })}\n`);
      else if (bar.getTotal() !== progress.total) bar.start(progress.total, progress.done, { rows: progress.rows });
      else bar.update(progress.done, { rows: progress.rows });
    };
    events.on('progress', onProgress);
    const added = await queue.add('recompute', job, { ...DEFAULT_JOB_OPTIONS[QueueName.Maintenance], jobId });
    await prisma.auditLog.create({
      data: {
        actorType: 'SYSTEM',
        actorId: job.requestedBy.slice(0, 64),
        action: 'history.recompute',
        entityType: 'indicator_history',
        entityId: jobId,
        after: JSON.parse(JSON.stringify(job)) as object,
      },
    });
    let result: RecomputeResult;
    try {
      result = await added.waitUntilFinished(events);
    } catch (error) {
      throw new OperatorError(`the recompute failed: ${(error as Error).message}`);
    } finally {
      bar?.stop();
      events.off('progress', onProgress);
    }
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ event: 'completed', jobId, ...result })}\n`
        : `recomputed ${result.buckets} bucket(s) of ${job.resolutions.join(', ')} history from ${job.from} to ${job.to}: ${result.rows} row(s) written\n`,
    );
  } finally {
    await events.close();
    await queue.close();
    await Promise.all([connection.quit(), eventsConnection.quit()]);
    await prisma.$disconnect();
  }
});
