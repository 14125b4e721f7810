import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  findSilence,
  groupDigest,
  groupFlushDue,
  inQuietHours,
  parseMatchers,
  renderGroupMessage,
  routingChain,
  type AlertLabels,
  type Clock,
  type GroupTimings,
  type Locale,
  type SilenceWindow,
} from '@ioc/alerting';
import { QueueName, type AlertNotification } from '@ioc/contracts';
import { PrismaService, type NotificationChannel, type Prisma } from '@ioc/persistence';
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
type Recipient = Prisma.UserGetPayload<{ include: typeof RECIPIENT_INCLUDE }>;

interface Group {
  key: string;
  /** Unit whose recipients get this group. */
  ownerCode: string;
  /** Highest escalation level among the group's alerts for this owner. */
  level: number;
  /** Never empty: a group exists because an alert routes to its owner. */
  alerts: [OpenAlert, ...OpenAlert[]];
}

/** What a notification_deliveries row carries: the rendered message and the alerts in it. */
export type DeliveryPayload = Omit<AlertNotification, 'deliveryId' | 'sentAt'>;

const notifyRoles = (alert: OpenAlert): string[] => {
  const roles = (alert.rule.params as { notifyRoles?: unknown }).notifyRoles;
  return Array.isArray(roles) ? (roles as string[]) : ['LEADER'];
};

/**
 * Turns open alerts into messages, Alertmanager-style: escalates unacknowledged critical
 * alerts, drops silenced ones, groups the rest by rule × routing unit, and when a group is due
 * (group wait / group interval / repeat interval) writes one delivery per recipient and channel
 * and queues it. Dedupe keys carry the group's message number, so a crash before the group's
 * state is saved redoes the same deliveries instead of new ones.
 */
@Injectable()
export class AlertNotifierService {
  private readonly logger = new Logger(AlertNotifierService.name);
  private readonly timings: GroupTimings;

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
  }

  /** One pass; skipped when another process is doing it. */
  async tick(): Promise<void> {
    await this.state.ifUnlocked('notifier', () => this.notify());
  }

  private async notify(): Promise<void> {
    const now = this.clock.now();
    const [alerts, recipients, silences] = await Promise.all([
      this.prisma.alert.findMany({
        where: { state: { in: ['FIRING', 'ACKNOWLEDGED'] } },
        include: OPEN_ALERT_INCLUDE,
        orderBy: { firedAt: 'asc' },
      }),
      this.prisma.user.findMany({ where: { active: true }, include: RECIPIENT_INCLUDE }),
      this.activeSilences(now),
    ]);
    const chainOf = (alert: OpenAlert): string[] => {
      const roles = notifyRoles(alert);
      return routingChain(alert.unit.path, new Set(recipients.filter((r) => roles.includes(r.role)).map((r) => r.unit.code)));
    };

    const groups = new Map<string, Group>();
    for (const alert of alerts) {
      if (alert.state !== 'FIRING') continue;
      const chain = chainOf(alert);
      const level = await this.escalate(alert, chain, now);
      const silence = findSilence(this.labels(alert), silences, now);
      if (silence) continue;
      for (const [l, ownerCode] of chain.slice(0, level + 1).entries()) {
        const key = `${alert.ruleId}|${ownerCode}`;
        const group = groups.get(key);
        if (group) {
          group.level = Math.max(group.level, l);
          group.alerts.push(alert);
        } else groups.set(key, { key, ownerCode, level: l, alerts: [alert] });
      }
    }

    const states = await this.state.groups();
    await this.state.deleteGroups([...states.keys()].filter((key) => !groups.has(key)));
    for (const group of groups.values()) {
      const digest = groupDigest(group.alerts.map((a) => a.id));
      const known = states.get(group.key) ?? { firstSeenAt: now.toISOString(), lastFlushAt: null, lastDigest: null, seq: 0 };
      if (!states.has(group.key)) await this.state.putGroup(group.key, known);
      if (!groupFlushDue(known, digest, now, this.timings)) continue;
      const recipientsOfGroup = recipients.filter((r) => r.unit.code === group.ownerCode && notifyRoles(group.alerts[0]).includes(r.role));
      await this.flush(group, known.seq + 1, recipientsOfGroup, now);
      await this.state.putGroup(group.key, { ...known, lastFlushAt: now.toISOString(), lastDigest: digest, seq: known.seq + 1 });
    }
  }

  private labels(alert: OpenAlert): AlertLabels {
    return {
      ruleId: alert.ruleId,
      ruleName: alert.rule.name,
      kind: alert.rule.kind,
      severity: alert.severity,
      indicatorId: alert.rule.indicatorId ?? '',
      unitCode: alert.unit.code,
      unitPath: alert.unit.path,
    };
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

  /** An unacknowledged critical alert climbs one level per ALERT_ESCALATION_AFTER_S; returns its level. */
  private async escalate(alert: OpenAlert, chain: string[], now: Date): Promise<number> {
    if (alert.severity !== 'CRITICAL' || !alert.firedAt || chain.length === 0) return alert.escalationLevel;
    const due = Math.floor((now.getTime() - alert.firedAt.getTime()) / (this.config.ALERT_ESCALATION_AFTER_S * 1000));
    const level = Math.min(due, chain.length - 1);
    if (level <= alert.escalationLevel) return alert.escalationLevel;
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

  private payloadFor(group: Group, recipient: Recipient): DeliveryPayload {
    const [first] = group.alerts;
    const locale: Locale = recipient.locale.startsWith('en') ? 'en' : 'vi';
    const link =
      group.alerts.length === 1
        ? `${this.config.ALERT_LINK_BASE_URL}/${first.id}`
        : `${this.config.ALERT_LINK_BASE_URL}?rule=${first.ruleId}&unit=${group.ownerCode}`;
    const indicator = first.rule.indicator;
    const { title, body } = renderGroupMessage({
      locale,
      severity: first.severity,
      kind: first.rule.kind,
      ruleName: first.rule.name,
      indicatorName: indicator ? { vi: indicator.nameVi, en: indicator.nameEn } : null,
      unitOfMeasure: indicator?.unitOfMeasure ?? '',
      items: group.alerts.map((a) => ({
        unitName: a.unit.name,
        tier: a.unit.tier,
        value: a.value,
        threshold: a.threshold,
        since: a.startedAt,
      })),
      escalationLevel: group.level,
      link,
    });
    return {
      userId: recipient.id,
      groupKey: group.key,
      ruleId: first.ruleId,
      severity: first.severity,
      escalationLevel: group.level,
      locale,
      title,
      body,
      link,
      alerts: group.alerts.map((a) => ({
        alertId: a.id,
        unitCode: a.unit.code,
        unitName: a.unit.name,
        value: a.value,
        threshold: a.threshold,
        since: a.startedAt.toISOString(),
      })),
    };
  }

  /** Channels for a recipient: in-app always; push, webhook and e-mail unless info-only or in quiet hours (critical passes). */
  private destinations(recipient: Recipient, severity: string, now: Date): { channel: NotificationChannel; destination: string }[] {
    const list: { channel: NotificationChannel; destination: string }[] = [{ channel: 'IN_APP', destination: recipient.id }];
    if (severity === 'INFO' || (severity !== 'CRITICAL' && inQuietHours(recipient.quietHours, now))) return list;
    if (this.config.VAPID_PUBLIC_KEY)
      list.push(...recipient.pushSubscriptions.map((s) => ({ channel: 'WEB_PUSH' as const, destination: s.endpoint })));
    if (this.config.ALERT_WEBHOOK_URL) list.push({ channel: 'WEBHOOK', destination: this.config.ALERT_WEBHOOK_URL });
    if (this.config.SMTP_URL && recipient.email) list.push({ channel: 'EMAIL', destination: recipient.email });
    return list;
  }

  private async flush(group: Group, seq: number, recipients: Recipient[], now: Date): Promise<void> {
    const rows = recipients.flatMap((recipient) => {
      const payload = this.payloadFor(group, recipient);
      return this.destinations(recipient, payload.severity, now).map(({ channel, destination }) => ({
        dedupeKey: `${group.key}#${seq}:${recipient.id}:${channel}:${createHash('sha256').update(destination).digest('hex').slice(0, 16)}`,
        alertId: group.alerts.length === 1 ? group.alerts[0].id : null,
        groupKey: group.key,
        userId: recipient.id,
        channel,
        destination,
        payload: payload as unknown as Prisma.InputJsonValue,
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
