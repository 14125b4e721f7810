import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@ioc/persistence';
import type { Principal } from '../auth/principal';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Writes audit_logs rows for admin changes, inside the caller's transaction so a change is never unaudited. */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async record(actor: Principal, entry: AuditEntry, tx: Prisma.TransactionClient = this.prisma): Promise<void> {
    await tx.auditLog.create({
      data: {
        actorType: actor.kind === 'user' ? 'USER' : 'API_KEY',
        actorId: actor.id,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        before: toJson(entry.before),
        after: toJson(entry.after),
      },
    });
  }
}

/** JSON-safe copy (decimals and bigints as strings, dates ISO); secrets must be stripped by the caller. */
function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Prisma.InputJsonValue;
}
