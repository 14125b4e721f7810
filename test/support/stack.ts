import { runCompiled, type RunningProcess, waitFor } from './processes';
import { stablePort } from './ports';
import type { TestDatabase } from './test-database';
import type { TestRedis } from './test-redis';

export interface RunningStack {
  process: RunningProcess;
  /** The gateway's port, and its base URL. */
  port: number;
  url: string;
  simulatorPort: number;
  connectorsPort: number;
  /** Where the launcher writes the seed's credentials and its generated secrets. */
  secrets: string;
  /** Until the gateway answers /health with 200; a timeout names the stack's last output. */
  waitForGateway(timeoutMs: number): Promise<void>;
}

/**
 * The whole stack as an operator starts it (`npm start`'s launcher: migrate, seed, every app and
 * the simulator as the province's sources) on the test's database and Redis prefix. Its ports lie
 * below the ephemeral range: the launcher binds them seconds later, after migrating and seeding,
 * and an outgoing connection on the machine could take an ephemeral one meanwhile.
 */
export async function startStack(db: TestDatabase, redis: TestRedis, env: Record<string, string> = {}): Promise<RunningStack> {
  const [port, simulatorPort, connectorsPort] = [await stablePort(), await stablePort(), await stablePort()];
  const secrets = `/tmp/${redis.prefix}`;
  const url = `http://127.0.0.1:${port}`;
  const stack = runCompiled('scripts/start.js', {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    SIMULATOR_PORT: String(simulatorPort),
    SEED_SIMULATOR_URL: `http://127.0.0.1:${simulatorPort}`,
    CONNECTORS_PORT: String(connectorsPort),
    SEED_CREDENTIALS_FILE: `${secrets}/credentials.json`,
    CREDENTIALS_KEY_FILE: `${secrets}/credentials-key`,
    JWT_SECRET_FILE: `${secrets}/jwt-secret`,
    ...env,
  });
  return {
    process: stack,
    port,
    url,
    simulatorPort,
    connectorsPort,
    secrets,
    waitForGateway: async (timeoutMs) => {
      await waitFor(
        async () => ((await fetch(`${url}/health`).catch(() => undefined))?.status === 200 ? true : undefined),
        timeoutMs,
        'the gateway',
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nthe stack's last output:\n${stack.output().slice(-3000)}`);
      });
    },
  };
}
