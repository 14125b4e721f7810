import type { Prisma } from './generated/prisma/client';

/**
 * A typed value for a JSON column (formula, window, layout, rule parameters and scope, silence
 * matchers, delivery payload): Prisma types its input loosely, so writers hand their own typed
 * value through this one door instead of casting at each call. Readers parse with the owning
 * lib's function (parseDefinition, parseDashboardLayout, parseMatchers, parseDeliveryPayload).
 */
export const jsonInput = <T extends object>(value: T): Prisma.InputJsonValue => value as unknown as Prisma.InputJsonValue;
