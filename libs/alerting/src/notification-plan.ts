import { createHash } from 'node:crypto';
import type { AlertNotification, AlertSeverityName, UnitTierName } from '@ioc/contracts';
import { renderGroupMessage, type Locale } from './messages';
import { inQuietHours } from './quiet-hours';
import { findSilence, type AlertLabels, type SilenceWindow } from './silences';
import type { AlertRuleKindName } from './types';

/**
 * The notifier's decisions, without I/O: how far an alert has escalated, which groups the open
 * alerts form for which routing unit, who receives a group on which channels, and what each
 * delivery says. The aggregator's AlertNotifierService loads the rows and writes the outcome.
 */

/** An open alert with what the notifier needs of its rule and unit. */
export interface NotifiableAlert {
  id: string;
  ruleId: string;
  state: string;
  severity: AlertSeverityName;
  value: number | null;
  threshold: number | null;
  startedAt: Date;
  firedAt: Date | null;
  escalationLevel: number;
  unit: { code: string; name: string; tier: UnitTierName; path: string };
  rule: {
    name: string;
    kind: AlertRuleKindName;
    indicatorId: string | null;
    params: unknown;
    indicator: { nameVi: string; nameEn: string; unitOfMeasure: string } | null;
  };
}

/** An active user who may receive notifications. */
export interface NotificationRecipient {
  id: string;
  role: string;
  unitCode: string;
  locale: string;
  email: string | null;
  quietHours: unknown;
  pushEndpoints: string[];
}

export type NotificationChannelName = 'IN_APP' | 'WEB_PUSH' | 'WEBHOOK' | 'EMAIL';

/** The channels this deployment can send on, besides in-app. */
export interface AvailableChannels {
  webPush: boolean;
  /** Empty: no webhook. */
  webhookUrl: string;
  email: boolean;
}

/** Alerts of one rule for one routing unit. */
export interface NotificationGroup<A extends NotifiableAlert = NotifiableAlert> {
  /** `<ruleId>|<routing unit code>`. */
  key: string;
  /** Unit whose recipients get this group. */
  ownerCode: string;
  /** Highest escalation level among the group's alerts for this owner. */
  level: number;
  /** Never empty: a group exists because an alert routes to its owner. */
  alerts: [A, ...A[]];
}

/** What a notification_deliveries row carries: the rendered message and the alerts in it. */
export type DeliveryPayload = Omit<AlertNotification, 'deliveryId' | 'sentAt'>;

/**
 * notification_deliveries.payload as stored (JSON) typed as a DeliveryPayload, or the names of the
 * fields that are not what the notifier wrote.
 */
export function parseDeliveryPayload(value: unknown): { ok: true; payload: DeliveryPayload } | { ok: false; invalid: string[] } {
  const payload = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const checks: Record<string, boolean> = {
    userId: typeof payload.userId === 'string',
    groupKey: typeof payload.groupKey === 'string',
    ruleId: typeof payload.ruleId === 'string',
    title: typeof payload.title === 'string',
    body: typeof payload.body === 'string',
    link: typeof payload.link === 'string',
    alerts: Array.isArray(payload.alerts),
  };
  const invalid = Object.keys(checks).filter((name) => !checks[name]);
  return invalid.length === 0 ? { ok: true, payload: payload as unknown as DeliveryPayload } : { ok: false, invalid };
}

/** Roles a rule notifies: its `notifyRoles` parameter, else leaders. */
export function notifyRoles(alert: Pick<NotifiableAlert, 'rule'>): string[] {
  const roles = (alert.rule.params as { notifyRoles?: unknown } | null)?.notifyRoles;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : ['LEADER'];
}

export function alertLabels(alert: NotifiableAlert): AlertLabels {
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

/**
 * The level an unacknowledged critical alert has climbed to: one step up its routing chain per
 * `escalateAfterSeconds` since it fired, never past the chain's top, never down. Null when it
 * stays where it is.
 */
export function escalationDue(alert: NotifiableAlert, chainLength: number, now: Date, escalateAfterSeconds: number): number | null {
  if (alert.severity !== 'CRITICAL' || !alert.firedAt || chainLength === 0) return null;
  const due = Math.floor((now.getTime() - alert.firedAt.getTime()) / (escalateAfterSeconds * 1000));
  const level = Math.min(due, chainLength - 1);
  return level > alert.escalationLevel ? level : null;
}

/**
 * Groups firing, unsilenced alerts by rule × routing unit: an alert at escalation level n is in
 * the groups of the first n + 1 units of its chain. Groups come out in the alerts' order.
 */
export function planNotificationGroups<A extends NotifiableAlert>(
  alerts: readonly A[],
  routing: { chainOf(alert: A): readonly string[]; levelOf(alert: A): number },
  silences: readonly SilenceWindow[],
  now: Date,
): NotificationGroup<A>[] {
  const groups = new Map<string, NotificationGroup<A>>();
  for (const alert of alerts) {
    if (alert.state !== 'FIRING') continue;
    if (findSilence(alertLabels(alert), [...silences], now)) continue;
    const chain = routing.chainOf(alert);
    for (const [level, ownerCode] of chain.slice(0, routing.levelOf(alert) + 1).entries()) {
      const key = `${alert.ruleId}|${ownerCode}`;
      const group = groups.get(key);
      if (group) {
        group.level = Math.max(group.level, level);
        group.alerts.push(alert);
      } else groups.set(key, { key, ownerCode, level, alerts: [alert] });
    }
  }
  return [...groups.values()];
}

/** Who receives a group: recipients of its routing unit with a role its rule notifies. */
export function groupRecipients<R extends NotificationRecipient>(group: NotificationGroup, recipients: readonly R[]): R[] {
  const roles = notifyRoles(group.alerts[0]);
  return recipients.filter((recipient) => recipient.unitCode === group.ownerCode && roles.includes(recipient.role));
}

/** Channels for a recipient: in-app always; push, webhook and e-mail unless info-only or in quiet hours (critical passes). */
export function notificationDestinations(
  recipient: NotificationRecipient,
  severity: AlertSeverityName,
  now: Date,
  channels: AvailableChannels,
): { channel: NotificationChannelName; destination: string }[] {
  const list: { channel: NotificationChannelName; destination: string }[] = [{ channel: 'IN_APP', destination: recipient.id }];
  if (severity === 'INFO' || (severity !== 'CRITICAL' && inQuietHours(recipient.quietHours, now))) return list;
  if (channels.webPush) list.push(...recipient.pushEndpoints.map((endpoint) => ({ channel: 'WEB_PUSH' as const, destination: endpoint })));
  if (channels.webhookUrl) list.push({ channel: 'WEBHOOK', destination: channels.webhookUrl });
  if (channels.email && recipient.email) list.push({ channel: 'EMAIL', destination: recipient.email });
  return list;
}

/**
 * Dedupe key of one delivery: the group's message number, recipient, channel and destination, so
 * a crash before the group's state is saved redoes the same deliveries instead of new ones.
 */
export const deliveryDedupeKey = (groupKey: string, seq: number, recipientId: string, channel: string, destination: string): string =>
  `${groupKey}#${seq}:${recipientId}:${channel}:${createHash('sha256').update(destination).digest('hex').slice(0, 16)}`;

/** The message of a group for one recipient, in the recipient's language, linking to the alert or the group. */
export function deliveryPayload(group: NotificationGroup, recipient: NotificationRecipient, linkBase: string): DeliveryPayload {
  const [first] = group.alerts;
  const locale: Locale = recipient.locale.startsWith('en') ? 'en' : 'vi';
  const link = group.alerts.length === 1 ? `${linkBase}/${first.id}` : `${linkBase}?rule=${first.ruleId}&unit=${group.ownerCode}`;
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
