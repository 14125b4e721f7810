import type { Role } from '@ioc/persistence';

/** Who is calling, with role and unit scope read from the database (never trusted from the token). */
export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  role: Role;
  unitId: string;
  unitCode: string;
  /** Materialised path of the scope unit; the principal sees units whose path starts with it. */
  unitPath: string;
  /** When the credential stops being valid (JWT exp / key expiry), ms since epoch. */
  expiresAt: number | null;
}

export const inScope = (principal: Principal, unitPath: string): boolean => unitPath.startsWith(principal.unitPath);

/** A principal whose scope is the whole province (the tree's root): the only one that manages unit-less (system) objects. */
export const isProvinceWide = (principal: Principal): boolean => principal.unitPath.split('/').filter(Boolean).length <= 1;

/** Whether an object owned by this unit (null: the province) lies in the principal's subtree. */
export const ownsObject = (principal: Principal, owner: { path: string } | null): boolean =>
  owner ? inScope(principal, owner.path) : isProvinceWide(principal);

/** Prisma filter of objects with an owning unit relation that lie in the principal's subtree. */
export const ownedWithin = (principal: Principal): { OR: object[] } => ({
  OR: [{ unit: { path: { startsWith: principal.unitPath } } }, ...(isProvinceWide(principal) ? [{ unitId: null }] : [])],
});
