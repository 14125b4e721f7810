import type { CredentialCipher } from '@ioc/security';
import type { PrismaClient } from '@ioc/persistence';

export interface DemoSourcesOptions {
  /** Base URL of the simulator (apps/simulator), e.g. http://127.0.0.1:4100. */
  simulatorUrl: string;
  /** Bearer token the simulator accepts (SIMULATOR_TOKEN). */
  simulatorToken: string;
  cipher: CredentialCipher;
  /** Pull interval, "every:<ms>". */
  schedule?: string;
}

/** The four built-in connectors pointed at the simulator: the demo's sources. */
export const DEMO_SOURCES = [
  { name: 'iOffice tỉnh Quảng Ngãi (mô phỏng)', connectorType: 'ioffice' },
  { name: 'Cổng dịch vụ công / một cửa (mô phỏng)', connectorType: 'dvc' },
  { name: 'Hệ thống thông tin y tế (mô phỏng)', connectorType: 'health' },
  { name: 'Hệ thống thông tin giáo dục (mô phỏng)', connectorType: 'education' },
] as const;

/**
 * Registers the demo sources, idempotently: looked up by name, written only when missing or
 * different. Credentials are re-encrypted only when what they decrypt to differs (a fresh IV
 * would otherwise change the row on every run).
 */
export async function seedDemoSources(prisma: PrismaClient, options: DemoSourcesOptions): Promise<{ created: number; updated: number }> {
  const report = { created: 0, updated: 0 };
  const credentials = { token: options.simulatorToken };
  for (const demo of DEMO_SOURCES) {
    const desired = {
      connectorType: demo.connectorType,
      connectorVersion: '1.0.0',
      config: { baseUrl: options.simulatorUrl, pageSize: 200 },
      schedule: options.schedule ?? 'every:15000',
    };
    const existing = await prisma.source.findUnique({ where: { name: demo.name } });
    if (!existing) {
      await prisma.source.create({ data: { name: demo.name, ...desired, credentialsEncrypted: options.cipher.encryptJson(credentials) } });
      report.created += 1;
      continue;
    }
    let storedCredentials: unknown;
    try {
      storedCredentials = existing.credentialsEncrypted ? options.cipher.decryptJson(existing.credentialsEncrypted) : undefined;
    } catch {
      storedCredentials = undefined;
    }
    const changes = {
      ...(existing.connectorType !== desired.connectorType ||
      existing.connectorVersion !== desired.connectorVersion ||
      existing.schedule !== desired.schedule
        ? { connectorType: desired.connectorType, connectorVersion: desired.connectorVersion, schedule: desired.schedule }
        : {}),
      ...(JSON.stringify(existing.config) !== JSON.stringify(desired.config) ? { config: desired.config } : {}),
      ...(JSON.stringify(storedCredentials) !== JSON.stringify(credentials)
        ? { credentialsEncrypted: options.cipher.encryptJson(credentials) }
        : {}),
    };
    if (Object.keys(changes).length > 0) {
      await prisma.source.update({ where: { id: existing.id }, data: changes });
      report.updated += 1;
    }
  }
  return report;
}
