import { Injectable } from '@nestjs/common';
import type { AlertActor } from '@ioc/alerting';
import { AlertActions } from './alert-actions';
import { type Alert, type AlertComment, type AlertTransition, PrismaService, type Prisma, type Role } from '@ioc/persistence';
import type { Principal } from '../auth/principal';
import { ForbiddenError } from '../common/domain-errors';
import type { ListAlertsQueryDto } from './dto/alert.dto';

/**
 * Who may act on alerts (acknowledge, resolve, comment): the people who answer for a unit
 * (LEADER), the IOC staff who run it (OPERATOR, ADMIN). VIEWER and DISPLAY only read / show.
 * Acting needs a user (the actor is recorded); API keys can read but not act.
 */
export const ALERT_ACTOR_ROLES: Role[] = ['ADMIN', 'LEADER', 'OPERATOR'];
/** Who may read alerts: everyone with a person behind them; wall displays (DISPLAY) get none. */
export const ALERT_READER_ROLES: Role[] = ['ADMIN', 'LEADER', 'OPERATOR', 'VIEWER'];

const OPEN_STATES = ['PENDING', 'FIRING', 'ACKNOWLEDGED'] as const;
const LIST_LIMIT = 500;

export interface AlertView extends Omit<Alert, 'unitId' | 'fingerprint'> {
  unitCode: string;
  unitName: string;
  ruleName: string;
  /** When the breach began (start of the pending period). */
  since: Date;
}

export interface AlertDetailView extends AlertView {
  transitions: (Omit<AlertTransition, 'id'> & { id: string })[];
  comments: AlertComment[];
}

type AlertWithNames = Alert & { unit: { code: string; name: string }; rule: { name: string } };
const WITH_NAMES = { unit: { select: { code: true, name: true } }, rule: { select: { name: true } } } as const;

/** Alerts of the caller's subtree; every change goes through AlertActions with the caller as actor. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly actions: AlertActions,
  ) {}

  async list(principal: Principal, query: ListAlertsQueryDto): Promise<AlertView[]> {
    const where: Prisma.AlertWhereInput = {
      unit: { path: { startsWith: principal.unitPath } },
      state: query.state ?? { in: [...OPEN_STATES] },
      ...(query.severity ? { severity: query.severity } : {}),
    };
    const rows = await this.prisma.alert.findMany({
      where,
      include: WITH_NAMES,
      orderBy: [{ startedAt: 'desc' }, { id: 'asc' }],
      take: LIST_LIMIT,
    });
    return rows.map(alertView);
  }

  /** Reading needs no actor role, but the same subtree check as acting (outside → not found). */
  async get(principal: Principal, alertId: string): Promise<AlertDetailView> {
    const history = await this.actions.history(alertId, { userId: principal.id, unitPath: principal.unitPath });
    const named = await this.prisma.alert.findUniqueOrThrow({ where: { id: alertId }, include: WITH_NAMES });
    return {
      ...alertView(named),
      transitions: history.transitions.map((t) => ({ ...t, id: t.id.toString() })),
      comments: history.comments,
    };
  }

  async acknowledge(principal: Principal, alertId: string, note?: string): Promise<AlertView> {
    await this.actions.acknowledge(alertId, actorOf(principal), note);
    return this.view(alertId);
  }

  async resolve(principal: Principal, alertId: string, note?: string): Promise<AlertView> {
    await this.actions.resolve(alertId, actorOf(principal), note);
    return this.view(alertId);
  }

  comment(principal: Principal, alertId: string, body: string): Promise<AlertComment> {
    return this.actions.comment(alertId, actorOf(principal), body);
  }

  private async view(alertId: string): Promise<AlertView> {
    return alertView(await this.prisma.alert.findUniqueOrThrow({ where: { id: alertId }, include: WITH_NAMES }));
  }
}

/** Checked here rather than only by the route guard, because the socket's "alert:ack" comes through too. */
function actorOf(principal: Principal): AlertActor {
  if (!ALERT_ACTOR_ROLES.includes(principal.role)) {
    throw new ForbiddenError(`Acting on alerts needs one of the roles ${ALERT_ACTOR_ROLES.join(', ')}; you are ${principal.role}`);
  }
  if (principal.kind !== 'user') throw new ForbiddenError('Acting on alerts needs a signed-in user, not an API key');
  return { userId: principal.id, unitPath: principal.unitPath };
}

function alertView({ unitId: _unitId, fingerprint: _fingerprint, unit, rule, ...alert }: AlertWithNames): AlertView {
  return { ...alert, unitCode: unit.code, unitName: unit.name, ruleName: rule.name, since: alert.startedAt };
}
