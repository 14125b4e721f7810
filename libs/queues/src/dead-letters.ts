import { createHash } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { type DeadLetterEntry, type EventBatchJob, type NormalizedEvent } from '@ioc/contracts';
import type { EventQueues } from './event-queues';

/** Which dead letters an operator means: every given criterion must hold. */
export interface DeadLetterFilter {
  ids?: string[];
  sourceId?: string;
  stage?: DeadLetterEntry['stage'];
  /** Case-insensitive substring of the reason. */
  reason?: string;
  /** Refused at or after / before these instants. */
  from?: Date;
  to?: Date;
}

export interface DeadLetterView extends DeadLetterEntry {
  id: string;
  /** Whether it holds an event the aggregator can take again (see redrivableEvent). */
  redrivable: boolean;
}

export interface RedriveResult {
  redriven: number;
  /** Event batch jobs queued. */
  jobs: string[];
  skipped: { id: string; why: string }[];
}

/** Dead letters sit in these states: nothing consumes the queue, operators act on it. */
const STATES = ['waiting', 'delayed', 'paused', 'prioritized', 'failed', 'completed'] as const;
const PAGE = 1000;

export function matchesDeadLetter(id: string, entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  if (filter.ids && !filter.ids.includes(id)) return false;
  if (filter.sourceId !== undefined && entry.sourceId !== filter.sourceId) return false;
  if (filter.stage !== undefined && entry.stage !== filter.stage) return false;
  if (filter.reason !== undefined && !entry.reason.toLowerCase().includes(filter.reason.toLowerCase())) return false;
  const at = Date.parse(entry.at);
  if (filter.from && !(at >= filter.from.getTime())) return false;
  if (filter.to && !(at < filter.to.getTime())) return false;
  return true;
}

/**
 * The event a dead letter holds, when it holds one: only the aggregator refuses normalised events.
 * Connectors and push ingestion refuse raw records, which must be fixed at the source and read
 * again (backfill); re-queuing them as they are would only refuse them again.
 */
export function redrivableEvent(entry: DeadLetterEntry): NormalizedEvent | null {
  const raw = entry.raw as Partial<NormalizedEvent> | null;
  if (entry.stage !== 'aggregator' || typeof raw !== 'object' || raw === null || typeof raw.idempotencyKey !== 'string') return null;
  return raw as NormalizedEvent;
}

/** Groups redrivable dead letters into event batches per (source, stream); says why the others are skipped. */
export function planRedrive(letters: { id: string; entry: DeadLetterEntry }[]): {
  batches: (EventBatchJob & { ids: string[] })[];
  skipped: RedriveResult['skipped'];
} {
  const batches = new Map<string, EventBatchJob & { ids: string[] }>();
  const skipped: RedriveResult['skipped'] = [];
  for (const { id, entry } of letters) {
    const event = redrivableEvent(entry);
    if (!event) {
      skipped.push({
        id,
        why: `refused at the ${entry.stage} stage as a raw record, not an event: fix the source and backfill the period instead`,
      });
      continue;
    }
    const sourceId = entry.sourceId ?? event.sourceId ?? 'unknown';
    const stream = entry.stream ?? event.stream ?? 'unknown';
    const key = `${sourceId}\n${stream}`;
    const batch = batches.get(key) ?? { sourceId, stream, events: [], ids: [] };
    batch.events.push(event);
    batch.ids.push(id);
    batches.set(key, batch);
  }
  return { batches: [...batches.values()], skipped };
}

const toView = (job: Job<DeadLetterEntry>): DeadLetterView => ({
  id: job.id!,
  ...job.data,
  redrivable: redrivableEvent(job.data) !== null,
});

/**
 * The operator's dead-letter desk, shared by the gateway's admin routes and `npm run dlq`: list and
 * inspect what was refused, redrive it onto the events queues after a fix, purge it. A redriven event
 * goes through the aggregator's idempotency like any other, so it is counted at most once however
 * often it is redriven; a redrive before the fix only dead-letters it again.
 */
export class DeadLetterDesk {
  constructor(
    private readonly deadLetters: Queue<DeadLetterEntry>,
    private readonly events: EventQueues,
  ) {}

  /** Matching dead letters, newest first. */
  async list(
    filter: DeadLetterFilter = {},
    page: { limit?: number; offset?: number } = {},
  ): Promise<{ total: number; entries: DeadLetterView[] }> {
    const matching = (await this.matching(filter)).sort(
      (a, b) => Date.parse(b.data.at) - Date.parse(a.data.at) || b.timestamp - a.timestamp,
    );
    const offset = page.offset ?? 0;
    return { total: matching.length, entries: matching.slice(offset, offset + (page.limit ?? 100)).map(toView) };
  }

  async get(id: string): Promise<DeadLetterView | null> {
    const job = await this.deadLetters.getJob(id);
    return job ? toView(job) : null;
  }

  /** Re-queues the matching redrivable dead letters as event batches, then removes them from the dead-letter queue. */
  async redrive(filter: DeadLetterFilter): Promise<RedriveResult> {
    const jobs = await this.matching(filter);
    const { batches, skipped } = planRedrive(jobs.map((job) => ({ id: job.id!, entry: job.data })));
    const queued: string[] = [];
    for (const { ids, ...batch } of batches) {
      // Queued before the dead letters go: a crash in between leaves them to be redriven again, harmlessly.
      const jobId = `redrive-${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 24)}-${Date.now()}`;
      await this.events.add([{ name: 'redrive', data: batch, jobId }]);
      queued.push(jobId);
      for (const id of ids) await this.deadLetters.remove(id);
    }
    return { redriven: batches.reduce((sum, batch) => sum + batch.ids.length, 0), jobs: queued, skipped };
  }

  /** Deletes the matching dead letters for good. */
  async purge(filter: DeadLetterFilter): Promise<{ purged: number }> {
    const jobs = await this.matching(filter);
    for (const job of jobs) await this.deadLetters.remove(job.id!);
    return { purged: jobs.length };
  }

  private async matching(filter: DeadLetterFilter): Promise<Job<DeadLetterEntry>[]> {
    if (filter.ids) {
      const jobs = await Promise.all(filter.ids.map((id) => this.deadLetters.getJob(id)));
      return jobs.filter((job): job is Job<DeadLetterEntry> => !!job && matchesDeadLetter(job.id!, job.data, filter));
    }
    const found: Job<DeadLetterEntry>[] = [];
    for (let start = 0; ; start += PAGE) {
      const page = await this.deadLetters.getJobs([...STATES], start, start + PAGE - 1, true);
      found.push(...page.filter((job) => job?.id && matchesDeadLetter(job.id, job.data, filter)));
      if (page.length < PAGE) return found;
    }
  }
}
