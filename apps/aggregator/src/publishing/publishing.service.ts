import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  SharedRedisKey,
  sharedRedisKey,
  streamKey,
  type IndicatorUpdate,
  type ResolutionScorecard,
  encodeStreamEntry,
} from '@ioc/contracts';
import {
  currentTraceCarrier,
  inSpan,
  PeriodicTask,
  SpanKind,
  tracingEnabled,
  type RedisClient,
  RedisLease,
  runScript,
} from '@ioc/platform';
import { REDIS_CLIENT } from '@ioc/queues';
import { BatchTracesService } from '../aggregation/batch-traces.service';
import { StateChangesService } from '../aggregation/state-changes.service';
import { type LiveValue, LiveValuesService } from '../aggregation/live-values.service';
import { CLOCK, type Clock } from '../clock/clock';
import { aggregatorRedisKeys } from '../redis-keys';
import { AggregatorConfig } from '../config/aggregator-config';
import { AggregatorMetricsService } from '../metrics/aggregator-metrics.service';
import { PUBLISH_UPDATES } from '../aggregation/state-scripts';
import { updateSignature } from './update-signature';

/** A scorecard without its as-of times: what makes a change worth announcing. */
const scorecardSignature = (card: ResolutionScorecard): string =>
  JSON.stringify({
    ...card,
    asOf: null,
    entries: card.entries.map((e) => ({ ...e, at: null, atDeadline: e.atDeadline && { ...e.atDeadline, at: null } })),
  });

/** What a publish round recomputes: every stream, or the indicators events of these kinds move. */
type RoundScope = 'all' | ReadonlySet<string>;

/**
 * Publishes IndicatorUpdates for the gateways. Each round is run by one aggregator process, the
 * holder of a Redis gate that expires with AGGREGATOR_PUBLISH_INTERVAL_MS, and sends the streams
 * whose value changed; unchanged values are not re-sent, and the sequence numbers are assigned
 * inside one script. On a state change (leading edge) a round recomputes only the indicators the
 * batch's event kinds move; it goes out at once when nothing went out within the interval, and
 * bursts coalesce to one round per interval. A full recompute of every stream (what time alone
 * moves: windows rolling over, deadlines, freshness; and the scorecards) runs every
 * AGGREGATOR_RECOMPUTE_INTERVAL_MS (or the publish interval, when longer) on its own timer.
 * Without leading edge every round is full, on the interval's timer.
 */
@Injectable()
export class PublishingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PublishingService.name);
  private readonly keys: {
    updates: string;
    latest: string;
    epoch: string;
    signatures: string;
    seqs: string;
    gate: string;
    pendingKinds: string;
    scorecards: string;
    scorecardUpdates: string;
  };
  /** Signature of each resolution's last announced scorecard (per process: a repeat after a gate change is harmless). */
  private cardsSent = new Map<string, string>();
  private readonly instance = randomUUID();
  /** The timer's publishes and the requested ones, never two at once. */
  private readonly publishes: PeriodicTask;
  private trailing?: NodeJS.Timeout;
  /** Event kinds of the batches applied here since a round took them: the next change round's scope. */
  private dirty = new Set<string>();
  /** When this process last completed a full round (Date.now()). */
  private lastFullAt = -Infinity;
  private readonly fullEveryMs: number;
  private stopped = false;
  /** Signatures this process last published; dropped when another process may have published since. */
  private sent = new Map<string, string>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly values: LiveValuesService,
    private readonly config: AggregatorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: AggregatorMetricsService,
    private readonly batchTraces: BatchTracesService,
    changes: StateChangesService,
  ) {
    const prefix = config.REDIS_PREFIX;
    const own = aggregatorRedisKeys(prefix);
    this.keys = {
      updates: sharedRedisKey(prefix, SharedRedisKey.IndicatorUpdates),
      latest: sharedRedisKey(prefix, SharedRedisKey.IndicatorLatest),
      epoch: sharedRedisKey(prefix, SharedRedisKey.IndicatorEpoch),
      signatures: own.publishedSignatures,
      seqs: own.sequences,
      gate: own.publishGate,
      pendingKinds: own.pendingKinds,
      scorecards: sharedRedisKey(prefix, SharedRedisKey.Scorecards),
      scorecardUpdates: sharedRedisKey(prefix, SharedRedisKey.ScorecardUpdates),
    };
    const onChange = config.AGGREGATOR_PUBLISH_ON_CHANGE;
    this.fullEveryMs = onChange ? Math.max(config.AGGREGATOR_PUBLISH_INTERVAL_MS, config.AGGREGATOR_RECOMPUTE_INTERVAL_MS) : 0;
    this.publishes = new PeriodicTask(
      'Publishing',
      onChange ? this.fullEveryMs : config.AGGREGATOR_PUBLISH_INTERVAL_MS,
      () => this.publishRound(),
      this.logger,
    );
    if (onChange) changes.onChange((kinds) => this.requestPublish(kinds));
  }

  onApplicationBootstrap(): void {
    this.publishes.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.trailing);
    await this.publishes.stop();
  }

  /**
   * Leading-edge publishing: a state change goes out at once when no process published within
   * the interval; otherwise it is coalesced into one round as soon as the interval ends.
   */
  requestPublish(kinds: ReadonlySet<string>): void {
    for (const kind of kinds) this.dirty.add(kind);
    if (!this.publishes.isRunning && !this.trailing && !this.stopped) void this.publishes.runNow();
  }

  private async publishRound(): Promise<void> {
    // A change after this point may miss this round's reading: it asks for the next one.
    const kinds = this.dirty;
    this.dirty = new Set();
    const full = Date.now() - this.lastFullAt >= this.fullEveryMs;
    if (!full && kinds.size === 0) return;
    const startedAt = Date.now();
    const putBack = (): void => kinds.forEach((kind) => this.dirty.add(kind));
    try {
      // Another process published within the interval, perhaps before the change: its next round
      // takes these kinds too, and this process tries again when the interval ends (whichever comes first).
      if (!(await this.publishIfGateHeld(full ? 'all' : kinds))) {
        putBack();
        if (kinds.size > 0) await this.redis.sadd(this.keys.pendingKinds, ...kinds);
      } else if (full) this.lastFullAt = startedAt;
    } catch (error) {
      putBack();
      throw error;
    } finally {
      if (this.dirty.size > 0 && !this.trailing && !this.stopped) await this.scheduleTrailing();
    }
  }

  /** One more publish as soon as the gate (this interval's publisher, here or elsewhere) expires. */
  private async scheduleTrailing(): Promise<void> {
    const left = await this.redis.pttl(this.keys.gate).catch(() => this.config.AGGREGATOR_PUBLISH_INTERVAL_MS);
    this.trailing = setTimeout(
      () => {
        this.trailing = undefined;
        void this.publishes.runNow();
      },
      Math.max(1, left),
    );
  }

  /** Publishes changed streams of the scope when this process holds the gate for the current interval; false when another holds it. */
  private async publishIfGateHeld(scope: RoundScope): Promise<boolean> {
    // Never released: the gate is this interval's, and expires with it.
    const { lease, holder } = await RedisLease.tryAcquire(
      this.redis,
      this.keys.gate,
      this.config.AGGREGATOR_PUBLISH_INTERVAL_MS,
      this.instance,
    );
    if (!lease) {
      // Another process may have published since this one did: its memory of what went out is no longer the stream's.
      if (holder !== this.instance) this.sent.clear();
      return false;
    }
    // Kinds other processes changed while this one held the gate: read after the gate, so before the state.
    const [[, shared]] = (await this.redis.multi().smembers(this.keys.pendingKinds).del(this.keys.pendingKinds).exec()) as [
      [Error | null, string[]],
    ];
    await this.publish(scope === 'all' || shared.length === 0 ? scope : new Set([...scope, ...shared]));
    return true;
  }

  /**
   * publishChanges, in a span that continues the oldest batch applied since the last publish and
   * links the others; its context rides on each stream entry so the gateways' emit joins the trace.
   */
  async publish(scope: RoundScope = 'all'): Promise<number> {
    const batches = tracingEnabled() ? await this.batchTraces.take() : [];
    if (batches.length === 0) return this.publishChanges(scope);
    const [parent, ...links] = batches;
    return inSpan('indicators.publish', { kind: SpanKind.PRODUCER, parent, links }, async (span) => {
      const published = await this.publishChanges(scope);
      span.setAttribute('ioc.updates.published', published);
      return published;
    });
  }

  /** Recomputes the scope's streams and publishes those whose signature changed; a full round also rewrites the resolution scorecards. */
  private async publishChanges(scope: RoundScope): Promise<number> {
    const endRound = this.metrics.publishRounds.startTimer({ scope: scope === 'all' ? 'full' : 'change' });
    try {
      return await this.recomputeAndPublish(scope);
    } finally {
      endRound();
    }
  }

  private async recomputeAndPublish(scope: RoundScope): Promise<number> {
    const now = this.clock.now();
    let values: LiveValue[];
    if (scope === 'all') {
      const computed = await this.values.computeWithScorecards(now);
      await this.publishScorecards(computed.scorecards);
      values = computed.values;
    } else values = await this.values.computeMovedBy(scope, now);
    const asOf = now.toISOString();
    // A fresh epoch is offered each time; the script keeps the existing one unless Redis lost it.
    const args: (string | number)[] = [randomUUID(), this.config.AGGREGATOR_UPDATES_MAXLEN, currentTraceCarrier()?.traceparent ?? ''];
    const pending = new Map<string, string>();
    for (const value of values) {
      const key = streamKey(value.indicatorId, value.unitCode);
      const signature = updateSignature(value, this.config.AGGREGATOR_DELIVERY_RESEND_MS);
      if (this.sent.get(key) === signature) continue;
      const update: Omit<IndicatorUpdate, 'seq' | 'epoch'> = {
        indicatorId: value.indicatorId,
        unitCode: value.unitCode,
        value: value.value,
        numerator: value.numerator,
        denominator: value.denominator,
        own: value.own,
        target: value.target,
        judged: value.judged,
        status: value.status,
        asOf,
        freshness: value.freshness,
        ...(value.ageSeconds ? { ageSeconds: true as const } : {}),
      };
      // The script appends seq and epoch before the closing brace.
      args.push(key, signature, JSON.stringify(update).slice(0, -1));
      pending.set(key, signature);
    }
    // Called even with nothing pending: the script is also what notices a lost epoch.
    const { updates, latest, signatures, seqs, epoch } = this.keys;
    const [published, renewed] = await runScript(this.redis, PUBLISH_UPDATES, [updates, latest, signatures, seqs, epoch], args);
    if (renewed && (scope !== 'all' || pending.size < values.length)) {
      // New epoch: every stream must go out again, those skipped on this process's memory and those out of the round's scope too.
      this.sent.clear();
      return published + (await this.publishChanges('all'));
    }
    for (const [key, signature] of pending) this.sent.set(key, signature);
    this.metrics.published(published, Date.now());
    if (published > 0) this.logger.debug({ published }, 'Indicator updates published');
    return published;
  }

  /** Keeps the latest scorecard of each resolution in a hash, and appends those that changed to the stream the gateways follow. */
  private async publishScorecards(cards: readonly ResolutionScorecard[]): Promise<void> {
    if (cards.length === 0) return;
    const changed = cards.filter((card) => this.cardsSent.get(card.resolutionCode) !== scorecardSignature(card));
    const multi = this.redis
      .multi()
      .hset(this.keys.scorecards, Object.fromEntries(cards.map((card) => [card.resolutionCode, JSON.stringify(card)])));
    for (const card of changed)
      multi.xadd(this.keys.scorecardUpdates, 'MAXLEN', '~', 1000, '*', ...encodeStreamEntry(SharedRedisKey.ScorecardUpdates, card));
    await multi.exec();
    for (const card of changed) this.cardsSent.set(card.resolutionCode, scorecardSignature(card));
  }
}
