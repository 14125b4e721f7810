import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { ModulesContainer } from '@nestjs/core';
import type { Role } from '@ioc/persistence';
import { hashApiKey } from '@ioc/security';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from '../../apps/gateway/src/auth/auth.decorators';
import { type Backing, createBacking, DISTRICT_KEY, JWT_SECRET, type RunningGateway, startGateway } from '../gateway/gateway-harness';

jest.setTimeout(120_000);

const ROLES: Role[] = ['ADMIN', 'LEADER', 'OPERATOR', 'VIEWER', 'DISPLAY'];
const SCOPES = { district: '522', province: '51' } as const;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface OpenApiDocument {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { operationId: string }>>>;
}

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  operationId: string;
  isPublic: boolean;
  roles: Role[] | undefined;
}

/** Route metadata (@Public, @Roles) of every controller method, by Swagger's operationId "<Controller>_<method>". */
function routeMetadata(gateway: RunningGateway): Map<string, { isPublic: boolean; roles: Role[] | undefined }> {
  const byOperation = new Map<string, { isPublic: boolean; roles: Role[] | undefined }>();
  for (const module of gateway.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const read = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
        byOperation.set(`${controller.name}_${name}`, {
          isPublic: read<boolean>(PUBLIC_ROUTE) === true,
          roles: read<Role[]>(REQUIRED_ROLES),
        });
      }
    }
  }
  return byOperation;
}

/** A concrete URL for a templated path: ids as fresh UUIDs (nothing is found, nothing is destroyed), codes and slugs as plain words. */
const concrete = (path: string): string =>
  path.replace(/\{([^}]+)\}/g, (_match, name: string) => (/id$/i.test(name) ? randomUUID() : /code/i.test(name) ? '522' : 'khong-ton-tai'));

/**
 * The authorization matrix, generated from the gateway's own OpenAPI document (/docs-json): every
 * operation is tried with every kind of principal, and the status must be the one its route
 * metadata implies. Unauthenticated kinds get 401 on every protected operation; a role outside the
 * route's @Roles gets 403; an allowed role is never refused for its role (a 403 then may only be
 * about scope) and never gets 401; no answer is ever a 5xx.
 */
describe('authorization matrix from the OpenAPI document (issue 13 deliverable 7)', () => {
  let backing: Backing;
  let gateway: RunningGateway;
  const credentials = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    backing = await createBacking();
    gateway = await startGateway(backing, { HTTP_RATE_LIMIT_PER_MIN: '1000000' });
    const jwt = new JwtService({ secret: JWT_SECRET });
    for (const [scope, code] of Object.entries(SCOPES)) {
      const unit = await backing.prisma.administrativeUnit.findUniqueOrThrow({ where: { code } });
      for (const role of ROLES) {
        const user = await backing.prisma.user.create({
          data: { username: `${role.toLowerCase()}.${code}`, displayName: role, role, unitId: unit.id, passwordHash: 'x' },
        });
        credentials.set(`${role} @ ${scope}`, { authorization: `Bearer ${await jwt.signAsync({ sub: user.id })}` });
      }
    }
    const admin = await backing.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    credentials.set('none', {});
    credentials.set('forged', {
      authorization: `Bearer ${await new JwtService({ secret: 'another-secret-another-secret-012345' }).signAsync({ sub: admin.id })}`,
    });
    credentials.set('expired', {
      authorization: `Bearer ${await jwt.signAsync({ sub: admin.id, exp: Math.floor(Date.now() / 1000) - 60 })}`,
    });
    const revoked = await backing.prisma.apiKey.updateMany({ where: { hash: hashApiKey(DISTRICT_KEY) }, data: { revokedAt: new Date() } });
    expect(revoked.count).toBe(1);
    credentials.set('revoked', { 'x-api-key': DISTRICT_KEY });
  });

  afterAll(async () => {
    await gateway?.close();
    await backing?.close();
  });

  it('answers every operation with the status its route metadata implies, for every principal', async () => {
    const document = (await (await fetch(`${gateway.url}/docs-json`)).json()) as OpenApiDocument;
    const metadata = routeMetadata(gateway);
    const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => {
        const { operationId } = item[method]!;
        const route = metadata.get(operationId);
        if (!route) throw new Error(`No controller method behind operation ${operationId}`);
        return { method, path, operationId, ...route };
      }),
    );
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter((o) => !o.isPublic).length).toBeGreaterThan(35);

    const failures: string[] = [];
    let requests = 0;
    // Principals in parallel, operations in turn: one request per principal at a time.
    await Promise.all(
      [...credentials].map(async ([principal, headers]) => {
        for (const operation of operations) {
          const hasBody = ['post', 'put', 'patch'].includes(operation.method);
          const response = await fetch(`${gateway.url}${concrete(operation.path)}`, {
            method: operation.method.toUpperCase(),
            headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
            body: hasBody ? '{}' : undefined,
          });
          requests += 1;
          const text = await response.text();
          const role = principal.split(' @ ')[0] as Role;
          const authenticated = principal.includes(' @ ');
          let expected: string;
          let ok: boolean;
          if (response.status >= 500) [expected, ok] = ['no 5xx', false];
          else if (operation.isPublic) [expected, ok] = ['not 401/403 (public)', response.status !== 401 && response.status !== 403];
          else if (!authenticated) [expected, ok] = ['401', response.status === 401];
          else if (operation.roles && !operation.roles.includes(role))
            [expected, ok] = ['403 (role)', response.status === 403 && /needs one of the roles/.test(text)];
          else [expected, ok] = ['allowed: not 401, no role refusal', response.status !== 401 && !/needs one of the roles/.test(text)];
          if (!ok)
            failures.push(
              `${operation.method.toUpperCase()} ${operation.path} as ${principal}: expected ${expected}, got ${response.status} ${text.slice(0, 160)}`,
            );
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(requests).toBe(operations.length * credentials.size);
  });
});
