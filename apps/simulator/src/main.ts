import 'reflect-metadata';
import { loadConfig } from '@ioc/config';
import { exitOnStartupError, startHttpApp } from '@ioc/platform';
import { AppModule, configureSimulatorApp } from './app.module';
import { SimulatorConfig } from './config/simulator-config';

try {
  const config = loadConfig(SimulatorConfig);
  startHttpApp({
    name: 'simulator',
    module: () => AppModule.forRoot(config),
    config,
    port: config.SIMULATOR_PORT,
    portVariable: 'SIMULATOR_PORT',
    host: config.SIMULATOR_HOST,
    needsBackingServices: false,
    configure: (app) => configureSimulatorApp(app, config),
  });
} catch (error) {
  exitOnStartupError('simulator', error);
}
