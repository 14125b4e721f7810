import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  INACTIVE,
  appendSample,
  evaluateIndicator,
  evaluateSource,
  historySeconds,
  inScope,
  isIndicatorRule,
  step,
  type Clock,
  type ConditionResult,
  type RuleSpec,
  type SourceState,
} from '@ioc/alerting';
import type { IndicatorUpdate, SourceHealthUpdate } from '@ioc/contracts';
import { PrismaService } from '@ioc/persistence';
import { CatalogService, type AlertCatalog } from '../catalog/catalog.service';
import { AggregatorMetricsService } from '../metrics/aggregator-metrics.service';
import { ALERT_CLOCK } from './alert-clock';
import { AlertStateService, type EvaluationStep, type StoredEvaluation } from './alert-state.service';

/** What a step observes: the new condition and history from the stored evaluation. */
type Observe = (stored: StoredEvaluation) => { history: StoredEvaluation['history']; result: ConditionResult };

/**
 * Steps every (rule × unit) and (rule × source) fingerprint through the lifecycle, on each
 * value that arrives and on each tick, and writes alerts and their transitions to Postgres.
 * The Redis state is written after Postgres, and opening an alert reuses an open one with the
 * same fingerprint, so a crash between the two neither loses nor doubles an alert.
 */
@Injectable()
export class AlertEvaluatorService {
  private readonly logger = new Logger(AlertEvaluatorService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly catalog: CatalogService,
    private readonly state: AlertStateService,
    @Inject(ALERT_CLOCK) private readonly clock: Clock,
    private readonly metrics: AggregatorMetricsService,
  ) {}

  /** Re-reads the alert rules (the catalog's alert part), so a rule created or changed applies from now on. */
  async reloadCatalog(): Promise<void> {
    await this.catalog.reloadAlerts();
  }

  private get alerts(): AlertCatalog {
    return this.catalog.current().alerts;
  }

  /**
   * Steps the fingerprints of every indicator rule the updates concern, in the updates' order. The
   * k-th step of each fingerprint goes in round k, so a fingerprint's steps stay in order while
   * each round's locks, reads and writes go to Redis together.
   */
  async onIndicatorUpdates(updates: readonly IndicatorUpdate[]): Promise<void> {
    const { rules, units } = this.alerts;
    const now = this.clock.now();
    const rounds: { fingerprint: string; step: EvaluationStep }[][] = [];
    const steps = new Map<string, number>();
    for (const update of updates) {
      const unit = units.get(update.unitCode);
      if (!unit) {
        this.logger.warn(
          { unitCode: update.unitCode, indicatorId: update.indicatorId },
          'Indicator update for an unknown unit; no alert rule applies',
        );
        continue;
      }
      for (const rule of rules) {
        if (!isIndicatorRule(rule) || rule.indicatorId !== update.indicatorId || !inScope(rule.scope, unit)) continue;
        const fingerprint = `${rule.id}:${unit.code}`;
        const round = steps.get(fingerprint) ?? 0;
        steps.set(fingerprint, round + 1);
        (rounds[round] ??= []).push({
          fingerprint,
          step: this.stepper(rule, fingerprint, unit.code, null, now, (stored) => {
            const history =
              update.value === null
                ? stored.history
                : appendSample(stored.history, { at: now.getTime(), value: update.value }, historySeconds(rule));
            return { history, result: evaluateIndicator(rule, update, history, now) };
          }),
        });
      }
    }
    for (const round of rounds) await this.state.updateEvaluations(round);
  }

  async onSourceHealth(update: SourceHealthUpdate): Promise<void> {
    const source: SourceState = { sourceId: update.sourceId, status: update.status, lastSuccessAt: update.lastSuccessAt };
    await this.state.putSource(source);
    await this.evaluateSource(source, this.clock.now());
  }

  private sourceRules(sourceId: string): RuleSpec[] {
    return this.alerts.rules.filter(
      (r) =>
        (r.params.kind === 'STALE_SOURCE' || r.params.kind === 'CONNECTOR_DOWN') && (!r.params.sourceId || r.params.sourceId === sourceId),
    );
  }

  private async evaluateSource(source: SourceState, now: Date): Promise<void> {
    for (const rule of this.sourceRules(source.sourceId)) {
      // A source alert belongs to the unit the rule names, else to the root of the tree.
      const { units, rootCode } = this.alerts;
      const unitCode = rule.scope.unitCodes?.[0] ?? rule.scope.subtreeOf ?? rootCode;
      if (!unitCode || !units.has(unitCode)) continue;
      const fingerprint = `${rule.id}:${source.sourceId}`;
      await this.state.updateEvaluation(
        fingerprint,
        this.stepper(rule, fingerprint, unitCode, source.sourceId, now, (stored) => ({
          history: stored.history,
          result: evaluateSource(rule, source, now),
        })),
      );
    }
  }

  /**
   * Time-driven work: pending breaches that have lasted long enough fire, firing alerts whose
   * condition cleared long enough resolve, sources that went quiet turn stale, and alerts closed
   * by hand release their fingerprint.
   */
  async tick(): Promise<void> {
    await this.reloadCatalog();
    const now = this.clock.now();
    const rules = new Map(this.alerts.rules.map((r) => [r.id, r]));
    for (const fingerprint of await this.state.evaluationFingerprints()) {
      const stored = await this.state.getEvaluation(fingerprint);
      const rule = stored && rules.get(stored.ruleId);
      if (!stored || !rule || stored.sourceId) continue;
      await this.state.updateEvaluation(fingerprint, this.stepper(rule, fingerprint, stored.unitCode, null, now, null));
    }
    for (const source of await this.state.sources()) await this.evaluateSource(source, now);
  }

  /**
   * One step of a fingerprint's lifecycle from its stored evaluation (run under its lock), writing
   * alert transitions to Postgres; `observe` gives a new condition, null = time passing only.
   */
  private stepper(
    rule: RuleSpec,
    fingerprint: string,
    unitCode: string,
    sourceId: string | null,
    now: Date,
    observe: Observe | null,
  ): EvaluationStep {
    this.metrics.alertEvaluations.inc({ trigger: observe === null ? 'clock' : sourceId ? 'source' : 'indicator' });
    return async (found) => {
      const stored = await this.releaseIfClosedByHand(found ?? { ruleId: rule.id, unitCode, sourceId, state: INACTIVE, history: [] });
      const observed = observe?.(stored);
      const { state, event } = step(stored.state, observed?.result ?? null, now, rule);
      const next: StoredEvaluation = { ...stored, state, history: observed?.history ?? stored.history };
      if (event === 'fired') {
        next.state = {
          ...state,
          alertId: await this.openAlert(rule, fingerprint, unitCode, state.since!, now, state.value, state.threshold),
        };
        this.metrics.alertTransitions.inc({ event: 'fired' });
        this.logger.log({ ruleId: rule.id, unitCode, sourceId, fingerprint, alertId: next.state.alertId }, 'Alert firing');
      } else if (event === 'resolved') {
        await this.closeAlert(fingerprint, now);
        this.metrics.alertTransitions.inc({ event: 'resolved' });
        this.logger.log({ ruleId: rule.id, unitCode, sourceId, fingerprint }, 'Alert resolved: condition cleared');
      } else if (state.phase === 'firing' && state.alertId && observed) {
        await this.prisma.alert.updateMany({ where: { id: state.alertId }, data: { value: state.value, threshold: state.threshold } });
      }
      return next;
    };
  }

  /** A firing fingerprint whose alert someone resolved by hand starts over (pending again if still breached). */
  private async releaseIfClosedByHand(stored: StoredEvaluation): Promise<StoredEvaluation> {
    if (stored.state.phase !== 'firing' || !stored.state.alertId) return stored;
    const alert = await this.prisma.alert.findUnique({ where: { id: stored.state.alertId }, select: { state: true } });
    if (alert && alert.state !== 'RESOLVED') return stored;
    const { breached, value, threshold } = stored.state;
    return { ...stored, state: { ...INACTIVE, breached, value, threshold } };
  }

  private async openAlert(
    rule: RuleSpec,
    fingerprint: string,
    unitCode: string,
    since: string,
    now: Date,
    value: number | null,
    threshold: number | null,
  ): Promise<string> {
    const open = await this.prisma.alert.findFirst({
      where: { fingerprint, state: { in: ['FIRING', 'ACKNOWLEDGED'] } },
      select: { id: true },
    });
    if (open) return open.id;
    const unit = this.alerts.units.get(unitCode)!;
    const alert = await this.prisma.alert.create({
      data: {
        ruleId: rule.id,
        unitId: unit.id,
        fingerprint,
        state: 'FIRING',
        severity: rule.severity,
        value,
        threshold,
        summary: `${rule.name} — ${unit.name}`,
        startedAt: new Date(since),
        firedAt: now,
        transitions: {
          create: [
            { fromState: null, toState: 'PENDING', at: new Date(since), note: 'condition breached' },
            { fromState: 'PENDING', toState: 'FIRING', at: now, note: `held for ${rule.forSeconds} s` },
          ],
        },
      },
      select: { id: true },
    });
    return alert.id;
  }

  private async closeAlert(fingerprint: string, now: Date): Promise<void> {
    const open = await this.prisma.alert.findMany({
      where: { fingerprint, state: { in: ['FIRING', 'ACKNOWLEDGED'] } },
      select: { id: true, state: true },
    });
    for (const alert of open) {
      await this.prisma.$transaction([
        this.prisma.alert.update({ where: { id: alert.id }, data: { state: 'RESOLVED', resolvedAt: now } }),
        this.prisma.alertTransition.create({
          data: { alertId: alert.id, fromState: alert.state, toState: 'RESOLVED', at: now, note: 'condition cleared' },
        }),
      ]);
    }
  }
}
