import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  deliveryDedupeKey,
  deliveryPayload,
  escalationDue,
  groupDigest,
  groupFlushDue,
  groupRecipients,
  notificationDestinations,
  notifyRoles,
  parseMatchers,
  planNotificationGroups,
  routingChain,
  type AvailableChannels,
  type Clock,
  type GroupTimings,
  type NotificationGroup,
  type NotificationRecipient,
  type SilenceWindow,
} from '@ioc/alerting';
import { QueueName } from '@ioc/contracts';
import { jsonInput, PrismaService, type Prisma } from '@ioc/persistence';
import { DEFAULT_JOB_OPTIONS, InjectTypedQueue, type TypedQueue } from '@ioc/queues';
import { AggregatorConfig } from '../config/aggregator-config';
import { ALERT_CLOCK } from './alert-clock';
import { AlertStateService } from './alert-state.service';

const OPEN_ALERT_INCLUDE = {
  rule: { include: { indicator: { select: { nameVi: true, nameEn: true, unitOfMeasure: true } } } },
  unit: { select: { code: true, name: true, tier: true, path: true } },
} satisfies Prisma.AlertInclude;
type OpenAlert = Prisma.AlertGetPayload<{ include: typeof OPEN_ALERT_INCLUDE }>;

const RECIPIENT_INCLUDE = {
  unit: { select: { code: true } },
  pushSubscriptions: { select: { endpoint: true } },
} satisfies Prisma.UserInclude;
type RecipientRow = Prisma.UserGetPayload<{ include: typeof RECIPIENT_INCLUDE }>;

const toRecipient = (row: RecipientRow): NotificationRecipient => ({
  id: row.id,
  role: row.role,
  unitCode: row.unit.code,
  locale: row.locale,
  email: row.email,
  quietHours: row.quietHours,
  pushEndpoints: row.pushSubscriptions.map((subscription) => subscription.endpoint),
});

/**
 * Turns open alerts into messages, Alertmanager-style: escalates unacknowledged critical
 * alerts, drops silenced ones, groups the rest by rule × routing unit, and when a group is due
 * (group wait / group interval / repeat interval) writes one delivery per recipient and channel
 * and queues it. The decisions are @ioc/alerting's notification plan; this service loads the
 * rows and writes the outcome. Dedupe keys carry the group's message number, so a crash before
 * the group's state is saved redoes the same deliveries instead of new ones.
 */
@Injectable()
export class AlertNotifierService {
  private readonly logger = new Logger(AlertNotifierService.name);
  private readonly timings: GroupTimings;
  private readonly channels: AvailableChannels;

  constructor(
    private readonly prisma: PrismaService,
    private readonly state: AlertStateService,
    private readonly config: AggregatorConfig,
    @Inject(ALERT_CLOCK) private readonly clock: Clock,
    @InjectTypedQueue(QueueName.Notifications) private readonly queue: TypedQueue<typeof QueueName.Notifications>,
  ) {
    this.timings = {
      groupWaitSeconds: config.ALERT_GROUP_WAIT_S,
      groupIntervalSeconds: config.ALERT_GROUP_INTERVAL_S,
      repeatIntervalSeconds: config.ALERT_REPEAT_INTERVAL_S,
    };
    this.channels = { webPush: config.VAPID_PUBLIC_KEY !== '', webhookUrl: config.ALERT_WEBHOOK_URL, email: config.SMTP_URL !== '' };
  }

  /** One pass; skipped when another process is doing it. */
  async tick(): Promise<void> {
    await this.state.ifUnlocked('notifier', () => this.notify());
  }

  private async notify(): Promise<void> {
    const now = this.clock.now();
    const [alerts, recipientRows, silences] = await Promise.all([
      this.prisma.alert.findMany({
        where: { state: { in: ['FIRING', 'ACKNOWLEDGED'] } },
        include: OPEN_ALERT_INCLUDE,
        orderBy: { firedAt: 'asc' },
      }),
      this.prisma.user.findMany({ where: { active: true }, include: RECIPIENT_INCLUDE }),
      this.activeSilences(now),
    ]);
    const recipients = recipientRows.map(toRecipient);
    const chains = new Map(
      alerts.map((alert) => {
        const roles = notifyRoles(alert);
        return [alert.id, routingChain(alert.unit.path, new Set(recipients.filter((r) => roles.includes(r.role)).map((r) => r.unitCode)))];
      }),
    );
    const chainOf = (alert: OpenAlert): string[] => chains.get(alert.id) ?? [];
    // Silenced alerts escalate too: the silence may end before the alert does.
    const levels = new Map<string, number>();
    for (const alert of alerts) if (alert.state === 'FIRING') levels.set(alert.id, await this.escalate(alert, chainOf(alert), now));
    const groups = planNotificationGroups(
      alerts,
      { chainOf, levelOf: (alert) => levels.get(alert.id) ?? alert.escalationLevel },
      silences,
      now,
    );

    const states = await this.state.groups();
    const current = new Set(groups.map((group) => group.key));
    await this.state.deleteGroups([...states.keys()].filter((key) => !current.has(key)));
    for (const group of groups) {
      const digest = groupDigest(group.alerts.map((a) => a.id));
      const known = states.get(group.key) ?? { firstSeenAt: now.toISOString(), lastFlushAt: null, lastDigest: null, seq: 0 };
      if (!states.has(group.key)) await this.state.putGroup(group.key, known);
      if (!groupFlushDue(known, digest, now, this.timings)) continue;
      await this.flush(group, known.seq + 1, groupRecipients(group, recipients), now);
      await this.state.putGroup(group.key, { ...known, lastFlushAt: now.toISOString(), lastDigest: digest, seq: known.seq + 1 });
    }
  }

  private async activeSilences(now: Date): Promise<SilenceWindow[]> {
    const rows = await this.prisma.silence.findMany({
      where: { startsAt: { lte: now }, endsAt: { gt: now } },
      include: { unit: { select: { path: true } } },
    });
    return rows.flatMap((row) => {
      try {
        // No owner unit: a province-wide silence (every unit path starts with "/").
        return [
          {
            id: row.id,
            matchers: parseMatchers(row.matchers),
            scopePath: row.unit?.path ?? '/',
            startsAt: row.startsAt,
            endsAt: row.endsAt,
          },
        ];
      } catch (error) {
        this.logger.error({ silenceId: row.id }, `Silence ignored, its matchers are invalid: ${(error as Error).message}`);
        return [];
      }
    });
  }

  /** An unacknowledged critical alert climbs one level per ALERT_ESCALATION_AFTER_S (recorded); returns its level. */
  private async escalate(alert: OpenAlert, chain: string[], now: Date): Promise<number> {
    const level = escalationDue(alert, chain.length, now, this.config.ALERT_ESCALATION_AFTER_S);
    if (level === null) return alert.escalationLevel;
    await this.prisma.$transaction([
      this.prisma.alert.update({ where: { id: alert.id }, data: { escalationLevel: level } }),
      this.prisma.alertTransition.create({
        data: {
          alertId: alert.id,
          fromState: 'FIRING',
          toState: 'FIRING',
          at: now,
          note: `escalated to unit ${chain[level]} (level ${level}): unacknowledged`,
        },
      }),
    ]);
    this.logger.warn({ alertId: alert.id, unitCode: alert.unit.code, escalatedTo: chain[level] }, 'Alert escalated');
    return level;
  }

  private async flush(group: NotificationGroup<OpenAlert>, seq: number, recipients: NotificationRecipient[], now: Date): Promise<void> {
    const rows = recipients.flatMap((recipient) => {
      const payload = deliveryPayload(group, recipient, this.config.ALERT_LINK_BASE_URL);
      return notificationDestinations(recipient, payload.severity, now, this.channels).map(({ channel, destination }) => ({
        dedupeKey: deliveryDedupeKey(group.key, seq, recipient.id, channel, destination),
        alertId: group.alerts.length === 1 ? group.alerts[0].id : null,
        groupKey: group.key,
        userId: recipient.id,
        channel,
        destination,
        payload: jsonInput(payload),
      }));
    });
    if (rows.length === 0) return;
    await this.prisma.notificationDelivery.createMany({ data: rows, skipDuplicates: true });
    const deliveries = await this.prisma.notificationDelivery.findMany({
      where: { dedupeKey: { in: rows.map((r) => r.dedupeKey) }, status: 'PENDING' },
      select: { id: true },
    });
    await this.queue.addBulk(
      deliveries.map((d) => ({
        name: 'deliver',
        data: { deliveryId: d.id },
        opts: {
          ...DEFAULT_JOB_OPTIONS[QueueName.Notifications],
          jobId: `delivery-${d.id}`,
          attempts: this.config.ALERT_DELIVERY_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.config.ALERT_DELIVERY_BACKOFF_MS },
        },
      })),
    );
    this.logger.log({ groupKey: group.key, seq, alerts: group.alerts.length, deliveries: deliveries.length }, 'Alert group notified');
  }
}
