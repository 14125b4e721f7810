import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@ioc/config';
import { AppModule, configureSimulatorApp } from '../../apps/simulator/src/app.module';
import { SimulatorConfig } from '../../apps/simulator/src/config/simulator-config';
import { NO_FAULTS, SimulatorCore } from '../../apps/simulator/src/source-systems/simulator-core';

/** A Friday mid-morning (local time): a working day with history behind it. */
export const SIMULATED_NOW = new Date('2026-11-20T10:15:00+07:00');
export const SIMULATOR_TOKEN = 'test-simulator-token';

export interface RunningSimulator {
  url: string;
  core: SimulatorCore;
  app: INestApplication;
  close(): Promise<void>;
}

/** The four simulated systems in-process on an ephemeral port: fixed clock, no faults, deterministic. */
export async function startSimulator(options: { historyDays?: number; now?: () => Date } = {}): Promise<RunningSimulator> {
  const config = loadConfig(SimulatorConfig, { LOG_LEVEL: 'silent', SIMULATOR_TOKEN });
  const core = new SimulatorCore({
    seed: 'test-seed',
    historyDays: options.historyDays ?? 1,
    now: options.now ?? (() => SIMULATED_NOW),
    token: SIMULATOR_TOKEN,
    maxPageSize: 500,
    faults: NO_FAULTS,
  });
  const app = await NestFactory.create(AppModule.forRoot(config, core), { logger: false });
  configureSimulatorApp(app, config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { url, core, app, close: () => app.close() };
}
