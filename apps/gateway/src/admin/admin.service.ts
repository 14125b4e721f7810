import { Injectable } from '@nestjs/common';
import { type ApiKey, PrismaService, type User } from '@ioc/persistence';
import { hashPassword, issueApiKey } from '@ioc/security';
import { AuditService } from '../audit/audit.service';
import { inScope, type Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import type { CreateApiKeyDto, CreateUserDto, UpdateUserDto } from './dto/user.dto';

export type UserView = Omit<User, 'passwordHash'> & { unitCode: string };
export type ApiKeyView = Omit<ApiKey, 'hash'> & { unitCode: string };

/** Users and API keys, managed by admins inside their own scope; every change audited, secrets never stored or logged in clear. */
@Injectable()
export class AdminService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
  ) {}

  async listUsers(actor: Principal): Promise<UserView[]> {
    const rows = await this.prisma.user.findMany({
      where: { unit: { path: { startsWith: actor.unitPath } } },
      include: { unit: true },
      orderBy: { username: 'asc' },
    });
    return rows.map(userView);
  }

  async createUser(actor: Principal, input: CreateUserDto): Promise<UserView> {
    const unit = await this.scope.resolveUnit(actor, input.unitCode);
    if (await this.prisma.user.findUnique({ where: { username: input.username } }))
      throw new ConflictError(`User "${input.username}" exists`, ['username']);
    const passwordHash = await hashPassword(input.password);
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.user.create({
        data: {
          username: input.username,
          displayName: input.displayName,
          email: input.email ?? null,
          role: input.role,
          unitId: unit.id,
          passwordHash,
        },
        include: { unit: true },
      });
      await this.audit.record(actor, { action: 'user.create', entityType: 'user', entityId: row.id, after: userView(row) }, tx);
      return userView(row);
    });
  }

  async updateUser(actor: Principal, id: string, input: UpdateUserDto): Promise<UserView> {
    const before = await this.prisma.user.findUnique({ where: { id }, include: { unit: true } });
    if (!before) throw new NotFoundError(`No user ${id}`);
    if (!inScope(actor, before.unit.path)) throw new ForbiddenError(`User ${before.username} is outside your scope (${actor.unitCode})`);
    const unit = input.unitCode ? await this.scope.resolveUnit(actor, input.unitCode) : null;
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.user.update({
        where: { id },
        data: {
          displayName: input.displayName,
          email: input.email,
          role: input.role,
          active: input.active,
          passwordHash,
          ...(unit ? { unitId: unit.id } : {}),
        },
        include: { unit: true },
      });
      const after = { ...userView(row), ...(passwordHash ? { passwordChanged: true } : {}) };
      await this.audit.record(actor, { action: 'user.update', entityType: 'user', entityId: id, before: userView(before), after }, tx);
      return userView(row);
    });
  }

  async listApiKeys(actor: Principal): Promise<ApiKeyView[]> {
    const rows = await this.prisma.apiKey.findMany({
      where: { unit: { path: { startsWith: actor.unitPath } } },
      include: { unit: true },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(apiKeyView);
  }

  /** The whole key is in the answer, once; only its prefix and SHA-256 are stored. */
  async createApiKey(actor: Principal, input: CreateApiKeyDto): Promise<ApiKeyView & { key: string }> {
    const unit = await this.scope.resolveUnit(actor, input.unitCode);
    const issued = issueApiKey();
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.apiKey.create({
        data: {
          name: input.name,
          prefix: issued.prefix,
          hash: issued.hash,
          role: input.role,
          unitId: unit.id,
          expiresAt: input.expiresAt ?? null,
          createdById: actor.kind === 'user' ? actor.id : null,
        },
        include: { unit: true },
      });
      await this.audit.record(actor, { action: 'api_key.create', entityType: 'api_key', entityId: row.id, after: apiKeyView(row) }, tx);
      return { ...apiKeyView(row), key: issued.key };
    });
  }

  async revokeApiKey(actor: Principal, id: string): Promise<ApiKeyView> {
    const before = await this.prisma.apiKey.findUnique({ where: { id }, include: { unit: true } });
    if (!before) throw new NotFoundError(`No API key ${id}`);
    if (!inScope(actor, before.unit.path)) throw new ForbiddenError(`API key ${before.prefix} is outside your scope (${actor.unitCode})`);
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.apiKey.update({ where: { id }, data: { revokedAt: before.revokedAt ?? new Date() }, include: { unit: true } });
      await this.audit.record(
        actor,
        { action: 'api_key.revoke', entityType: 'api_key', entityId: id, before: apiKeyView(before), after: apiKeyView(row) },
        tx,
      );
      return apiKeyView(row);
    });
  }

  async auditTrail(actor: Principal, entityType?: string, entityId?: string): Promise<object[]> {
    if (actor.unitPath.split('/').filter(Boolean).length > 1) throw new ForbiddenError('The audit log is for province-level admins');
    const rows = await this.prisma.auditLog.findMany({
      where: { ...(entityType ? { entityType } : {}), ...(entityId ? { entityId } : {}) },
      orderBy: { id: 'desc' },
      take: 500,
    });
    return rows.map((row) => ({ ...row, id: row.id.toString() }));
  }
}

function userView({ passwordHash: _hash, unit, ...row }: User & { unit: { code: string } }): UserView {
  return { ...row, unitCode: unit.code };
}

function apiKeyView({ hash: _hash, unit, ...row }: ApiKey & { unit: { code: string } }): ApiKeyView {
  return { ...row, unitCode: unit.code };
}
