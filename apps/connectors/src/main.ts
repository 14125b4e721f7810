import 'reflect-metadata';
import { loadConfig } from '@ioc/config';
import { exitOnStartupError, startWorker } from '@ioc/platform';
import { AppModule } from './app.module';
import { ConnectorsConfig } from './config/connectors-config';

try {
  const config = loadConfig(ConnectorsConfig);
  startWorker('connectors', AppModule.forRoot(config), config);
} catch (error) {
  exitOnStartupError('connectors', error);
}
