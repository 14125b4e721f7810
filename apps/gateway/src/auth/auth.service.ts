import { Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import type DataLoader from 'dataloader';
import { type Prisma, PrismaService } from '@ioc/persistence';
import { apiKeyMatches, apiKeyPrefix, verifyPassword } from '@ioc/security';
import { UnauthenticatedError } from '../common/domain-errors';
import { byKeys, DATABASE_LOOKUPS, sharedLoader } from '../common/shared-loader';
import { GatewayConfig } from '../config/gateway-config';
import type { Principal } from './principal';

interface TokenClaims {
  sub: string;
  exp: number;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Credentials as presented: a bearer token (JWT or API key) and/or an X-API-Key header. */
export interface PresentedCredentials {
  bearer?: string;
  apiKey?: string;
}

type UserWithUnit = Prisma.UserGetPayload<{ include: { unit: true } }>;
type ApiKeyWithUnit = Prisma.ApiKeyGetPayload<{ include: { unit: true } }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AuthService {
  private readonly users: DataLoader<string, UserWithUnit | null>;
  private readonly apiKeys: DataLoader<string, ApiKeyWithUnit | null>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly jwt: JwtService,
    private readonly config: GatewayConfig,
  ) {
    this.users = sharedLoader(async (ids) => {
      const rows = await this.prisma.user.findMany({ where: { id: { in: [...ids] } }, include: { unit: true } });
      return byKeys(ids, rows, (row) => row.id, null);
    }, DATABASE_LOOKUPS);
    this.apiKeys = sharedLoader(async (prefixes) => {
      const rows = await this.prisma.apiKey.findMany({ where: { prefix: { in: [...prefixes] } }, include: { unit: true } });
      return byKeys(prefixes, rows, (row) => row.prefix, null);
    }, DATABASE_LOOKUPS);
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.prisma.user.findUnique({ where: { username } });
    const valid = user?.active && user.passwordHash ? await verifyPassword(password, user.passwordHash) : false;
    if (!user || !valid) throw new UnauthenticatedError('Wrong username or password');
    const accessToken = await this.jwt.signAsync({ sub: user.id }, { expiresIn: this.config.JWT_TTL_S });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.JWT_TTL_S };
  }

  async authenticate({ bearer, apiKey }: PresentedCredentials): Promise<Principal> {
    const key = apiKey ?? (bearer && apiKeyPrefix(bearer) ? bearer : undefined);
    if (key) return this.fromApiKey(key);
    if (bearer) return this.fromToken(bearer);
    throw new UnauthenticatedError('Credentials required: "Authorization: Bearer <token>" or "X-API-Key: <key>"');
  }

  private async fromToken(token: string): Promise<Principal> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch (error) {
      throw new UnauthenticatedError(error instanceof TokenExpiredError ? 'Token expired; log in again' : 'Invalid token');
    }
    // Only well-formed ids reach the shared query: one malformed id must not fail its batch-mates.
    const user = UUID.test(String(claims.sub)) ? await this.users.load(claims.sub) : null;
    if (!user || !user.active) throw new UnauthenticatedError('The account of this token no longer exists or is disabled');
    return {
      kind: 'user',
      id: user.id,
      name: user.username,
      role: user.role,
      unitId: user.unitId,
      unitCode: user.unit.code,
      unitPath: user.unit.path,
      expiresAt: claims.exp * 1000,
    };
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const prefix = apiKeyPrefix(key);
    const stored = prefix ? await this.apiKeys.load(prefix) : null;
    if (!stored || !apiKeyMatches(key, stored.hash)) throw new UnauthenticatedError('Unknown API key');
    if (stored.revokedAt) throw new UnauthenticatedError('API key revoked');
    if (stored.expiresAt && stored.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('API key expired');
    return {
      kind: 'api_key',
      id: stored.id,
      name: stored.name,
      role: stored.role,
      unitId: stored.unitId,
      unitCode: stored.unit.code,
      unitPath: stored.unit.path,
      expiresAt: stored.expiresAt?.getTime() ?? null,
    };
  }
}

/** Splits "Bearer x" / X-API-Key headers into PresentedCredentials. */
export function credentialsFromHeaders(headers: Record<string, string | string[] | undefined>): PresentedCredentials {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  const bearer = typeof authorization === 'string' && /^Bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
  return { bearer, apiKey: typeof apiKey === 'string' ? apiKey : undefined };
}
