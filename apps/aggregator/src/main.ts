import 'reflect-metadata';
import { loadConfig } from '@ioc/config';
import { exitOnStartupError, startWorker } from '@ioc/platform';
import { AppModule } from './app.module';
import { AggregatorConfig } from './config/aggregator-config';

try {
  const config = loadConfig(AggregatorConfig);
  startWorker('aggregator', () => AppModule.forRoot(config), config);
} catch (error) {
  exitOnStartupError('aggregator', error);
}
