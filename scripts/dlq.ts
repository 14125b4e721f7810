import { userInfo } from 'node:os';
import { Queue } from 'bullmq';
import { loadConfig, redisTopologyOf } from '@ioc/config';
import { QueueName, type DeadLetterEntry, redisQueuePrefix } from '@ioc/contracts';
import { createPrismaClient } from '@ioc/persistence';
import { checkDependencies, createRedisClient } from '@ioc/platform';
import { DeadLetterDesk, type DeadLetterFilter, type DeadLetterView, EventQueues } from '@ioc/queues';
import { OperatorError, parseCommandLine, parseCount, parseInstant, runOperatorScript, UsageError } from './cli';
import { StackConfig } from './stack-config';

const USAGE = `usage: npm run dlq -- <command> [options]
  list      [filters] [--limit n] [--offset n]   dead letters, newest first
  show      <id>                                 one dead letter with the refused record or event
  redrive   <id>... | filters | --all            re-queue refused events after a fix (counted at most once)
  purge     <id>... | filters | --all            delete dead letters for good
filters: --source <id> --stage connector|ingest|aggregator --reason <text> --from <date> --to <date>
output:  --json for one JSON document instead of text
env:     DATABASE_URL, REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER_NODES), REDIS_PREFIX (as the apps)`;

const OPTIONS = {
  source: { type: 'string' },
  stage: { type: 'string' },
  reason: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;
const STAGES = ['connector', 'ingest', 'aggregator'] as const;

const line = (letter: DeadLetterView): string =>
  [letter.id, letter.at, letter.stage, letter.sourceId ?? '-', letter.redrivable ? 'redrivable' : 'record', letter.reason].join('  ');

runOperatorScript('dlq', USAGE, async () => {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), OPTIONS);
  const [command, ...ids] = positionals;
  if (!command || !['list', 'show', 'redrive', 'purge'].includes(command))
    throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  if (values.stage !== undefined && !(STAGES as readonly string[]).includes(values.stage))
    throw new UsageError(`--stage must be one of ${STAGES.join(', ')}`);
  const filter: DeadLetterFilter = {
    ids: ids.length > 0 ? ids : undefined,
    sourceId: values.source,
    stage: values.stage as DeadLetterFilter['stage'],
    reason: values.reason,
    from: parseInstant('from', values.from),
    to: parseInstant('to', values.to),
  };
  const limit = parseCount('limit', values.limit, 100_000);
  const offset = parseCount('offset', values.offset, Number.MAX_SAFE_INTEGER);

  const config = loadConfig(StackConfig);
  await checkDependencies(config);
  const connection = createRedisClient(redisTopologyOf(config));
  const deadLetters = new Queue<DeadLetterEntry>(QueueName.DeadLetter, { connection, prefix: redisQueuePrefix(config.REDIS_PREFIX) });
  const events = new EventQueues(connection, config.REDIS_PREFIX, config.AGGREGATION_PARTITIONS);
  const desk = new DeadLetterDesk(deadLetters, events);
  const print = (json: unknown, text: string): void => {
    process.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
  };
  try {
    if (command === 'list') {
      const { total, entries } = await desk.list(filter, { limit, offset });
      print(
        { total, entries },
        [`${total} dead letter(s)${entries.length < total ? `, showing ${entries.length}` : ''}`, ...entries.map(line)].join('\n'),
      );
      return;
    }
    if (command === 'show') {
      const [id] = ids;
      if (!id || ids.length !== 1) throw new UsageError('show takes exactly one id');
      const letter = await desk.get(id);
      if (!letter) throw new OperatorError(`no dead letter ${id}`);
      print(
        letter,
        `${line(letter)}\nfields: ${letter.fields.join(', ') || '-'}\nstream: ${letter.stream ?? '-'}\n${JSON.stringify(letter.raw, null, 2)}`,
      );
      return;
    }
    const criteria = Object.values(filter).filter((value) => value !== undefined);
    if (criteria.length === 0 && !values.all) throw new UsageError(`${command} needs ids, a filter, or --all for every dead letter`);
    const prisma = createPrismaClient(config.DATABASE_URL);
    try {
      const result = command === 'redrive' ? await desk.redrive(filter) : await desk.purge(filter);
      await prisma.auditLog.create({
        data: {
          actorType: 'SYSTEM',
          actorId: `cli:${userInfo().username}`.slice(0, 64),
          action: `dead_letters.${command}`,
          entityType: 'dead_letter',
          entityId: (ids.length > 0 ? `ids:${ids.slice(0, 5).join(',')}` : JSON.stringify(filter)).slice(0, 128),
          before: JSON.parse(JSON.stringify(filter)) as object,
          after: JSON.parse(JSON.stringify(result)) as object,
        },
      });
      if ('purged' in result) print(result, `purged ${result.purged} dead letter(s)`);
      else
        print(
          result,
          [
            `redrove ${result.redriven} event(s) in ${result.jobs.length} batch(es)`,
            ...result.skipped.map((s) => `skipped ${s.id}: ${s.why}`),
          ].join('\n'),
        );
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await deadLetters.close();
    await events.close();
    await connection.quit();
  }
});
