import { redactUrl } from '@ioc/platform';
import type { BackingServices, ServiceInUse } from './embedded-services';

/** Polls `url` until it answers 200; false when `cancelled()` or the time runs out. */
export async function waitUntilHealthy(url: string, cancelled: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

export interface ReadyBannerInput {
  seconds: number;
  gatewayUrl: string;
  credentialsFile: string;
  backing: BackingServices;
}

const describe = (name: string, service: ServiceInUse): string =>
  service.embedded
    ? `embedded ${name}${service.embedded.version ? ` ${service.embedded.version}` : ''} at ${redactUrl(service.url)}, data in ${service.embedded.dataDir}`
    : redactUrl(service.url);

/** What a person needs once the stack is up: where to look, how to sign in, what runs where. */
export function readyBanner({ seconds, gatewayUrl, credentialsFile, backing }: ReadyBannerInput): string {
  const rows: Array<[string, string]> = [
    ['Wall display', `${gatewayUrl}/display/province-overview?key=<provinceViewerApiKey>`],
    ['Leader page', `${gatewayUrl}/leader  (user admin, password adminPassword)`],
    ['API docs', `${gatewayUrl}/docs`],
    ['Credentials', `${credentialsFile}  (adminPassword, provinceViewerApiKey, districtViewerApiKey)`],
    ['PostgreSQL', describe('PostgreSQL', backing.postgres)],
    ['Redis', describe('Redis', backing.redis)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    '',
    `IOC Realtime is ready (${seconds.toFixed(1)} s)`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    'Stop with Ctrl+C; a second `npm start` reuses the data and secrets.',
    '',
    '',
  ].join('\n');
}
