import 'reflect-metadata';
import { loadConfig } from '@ioc/config';
import { exitOnStartupError, startHttpApp } from '@ioc/platform';
import { AppModule, configureConnectorsApp } from './app.module';
import { ConnectorsConfig } from './config/connectors-config';

try {
  const config = loadConfig(ConnectorsConfig);
  startHttpApp({
    name: 'connectors',
    module: () => AppModule.forRoot(config),
    config,
    port: config.CONNECTORS_PORT,
    portVariable: 'CONNECTORS_PORT',
    host: config.CONNECTORS_HOST,
    configure: (app) => configureConnectorsApp(app, config),
  });
} catch (error) {
  exitOnStartupError('connectors', error);
}
