import { AlertNotFoundError, AlertStateError, commentText, isWithin, type AlertActor, type Clock } from '@ioc/alerting';
import type { PrismaClient } from '@ioc/persistence';

/**
 * Acknowledge, resolve and comment, each recorded with its actor and time. Ready to back REST
 * and socket handlers: callers pass the authenticated actor; alerts outside the actor's unit
 * subtree are reported as not found, so their existence does not leak.
 */
export class AlertActions {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
  ) {}

  private async load(alertId: string, actor: AlertActor) {
    const alert = await this.prisma.alert.findUnique({ where: { id: alertId }, include: { unit: { select: { path: true } } } });
    if (!alert || !isWithin(alert.unit.path, actor.unitPath)) throw new AlertNotFoundError(alertId);
    return alert;
  }

  /** FIRING → ACKNOWLEDGED: stops repeats and escalation; the alert stays open until it clears. */
  async acknowledge(alertId: string, actor: AlertActor, note?: string) {
    const alert = await this.load(alertId, actor);
    if (alert.state !== 'FIRING') throw new AlertStateError(alertId, alert.state, 'acknowledged');
    const at = this.clock.now();
    const [updated] = await this.prisma.$transaction([
      this.prisma.alert.update({
        where: { id: alertId, state: 'FIRING' },
        data: { state: 'ACKNOWLEDGED', acknowledgedAt: at, acknowledgedById: actor.userId },
      }),
      this.prisma.alertTransition.create({
        data: { alertId, fromState: 'FIRING', toState: 'ACKNOWLEDGED', actorId: actor.userId, note: note ?? null, at },
      }),
    ]);
    return updated;
  }

  /** Closes the alert by hand; if the condition still holds, evaluation opens a new one after its pending time. */
  async resolve(alertId: string, actor: AlertActor, note?: string) {
    const alert = await this.load(alertId, actor);
    if (alert.state === 'RESOLVED') throw new AlertStateError(alertId, alert.state, 'resolved');
    const at = this.clock.now();
    const [updated] = await this.prisma.$transaction([
      this.prisma.alert.update({ where: { id: alertId, state: alert.state }, data: { state: 'RESOLVED', resolvedAt: at } }),
      this.prisma.alertTransition.create({
        data: { alertId, fromState: alert.state, toState: 'RESOLVED', actorId: actor.userId, note: note ?? null, at },
      }),
    ]);
    return updated;
  }

  async comment(alertId: string, actor: AlertActor, body: string) {
    const text = commentText(body);
    await this.load(alertId, actor);
    return this.prisma.alertComment.create({ data: { alertId, userId: actor.userId, body: text, createdAt: this.clock.now() } });
  }

  /** An alert with its transitions and comments, oldest first. */
  async history(alertId: string, actor: AlertActor) {
    await this.load(alertId, actor);
    return this.prisma.alert.findUniqueOrThrow({
      where: { id: alertId },
      include: { transitions: { orderBy: { at: 'asc' } }, comments: { orderBy: { createdAt: 'asc' } } },
    });
  }
}
