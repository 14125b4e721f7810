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
