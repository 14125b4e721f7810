export type AlertSeverityName = 'CRITICAL' | 'MAJOR' | 'MINOR' | 'INFO';

export interface AlertNotificationItem {
  alertId: string;
  unitCode: string;
  unitName: string;
  value: number | null;
  threshold: number | null;
  /** When the breach began (start of the pending period), ISO-8601. */
  since: string;
}

/** One grouped message to one recipient: every firing alert of one rule in one routing unit. */
export interface AlertNotification {
  /** notification_deliveries.id; the same id is never emitted twice by the aggregator. */
  deliveryId: string;
  userId: string;
  /** `<ruleId>|<routing unit code>`: alerts of one rule grouped for one level of the unit tree. */
  groupKey: string;
  ruleId: string;
  severity: AlertSeverityName;
  /** 0 for the owning level, n for the n-th escalation up the unit tree. */
  escalationLevel: number;
  locale: 'vi' | 'en';
  title: string;
  body: string;
  link: string;
  alerts: AlertNotificationItem[];
  sentAt: string;
}
