import 'reflect-metadata';
import { loadConfig } from '@ioc/config';
import { exitOnStartupError, startHttpApp } from '@ioc/platform';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway-config';
import { configureGatewayApp } from './gateway-app';

try {
  const config = loadConfig(GatewayConfig);
  startHttpApp({
    name: 'gateway',
    module: () => AppModule.forRoot(config),
    config,
    port: config.PORT,
    host: config.HOST,
    backlog: config.LISTEN_BACKLOG,
    configure: configureGatewayApp,
  });
} catch (error) {
  exitOnStartupError('gateway', error);
}
