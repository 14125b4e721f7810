import { Global, Logger, Module } from '@nestjs/common';
import { resolve } from 'node:path';
import { ConnectorRegistry } from '@ioc/connector-sdk';
import { builtinConnectors } from '../builtin/builtin-connectors';
import { ConnectorsConfig } from '../config/connectors-config';

/** The connectors this process knows: the built-ins, then every module named in CONNECTOR_MODULES. */
async function buildRegistry(config: ConnectorsConfig): Promise<ConnectorRegistry> {
  const registry = new ConnectorRegistry();
  for (const connector of builtinConnectors()) registry.register(connector);
  const modules = config.CONNECTOR_MODULES.split(',')
    .map((path) => path.trim())
    .filter(Boolean);
  for (const path of modules) {
    const connector = registry.registerModule(await import(resolve(path)), path);
    new Logger('ConnectorRegistry').log(`registered connector ${connector.spec.id}@${connector.spec.version} from ${path}`);
  }
  return registry;
}

@Global()
@Module({
  providers: [{ provide: ConnectorRegistry, useFactory: buildRegistry, inject: [ConnectorsConfig] }],
  exports: [ConnectorRegistry],
})
export class RegistryModule {}
