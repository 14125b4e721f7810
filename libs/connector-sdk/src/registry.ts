import { Connector } from './connector';

/** Connectors known to this process, by id. Built-ins and plug-in modules register here. */
export class ConnectorRegistry {
  private readonly connectors = new Map<string, Connector>();

  register(connector: Connector): void {
    const { id } = connector.spec;
    if (this.connectors.has(id)) throw new Error(`A connector with id "${id}" is already registered`);
    this.connectors.set(id, connector);
  }

  get(id: string): Connector {
    const connector = this.connectors.get(id);
    if (!connector) throw new Error(`No connector "${id}" is registered (known: ${[...this.connectors.keys()].join(', ')})`);
    return connector;
  }

  list(): Connector[] {
    return [...this.connectors.values()];
  }

  /**
   * Registers the connector a plug-in module exports as `connector` (an instance). Lets an
   * integrator ship a connector as one file listed in CONNECTOR_MODULES, no core change.
   */
  registerModule(moduleExports: unknown, from: string): Connector {
    const candidate = (moduleExports as { connector?: unknown } | null)?.connector;
    if (
      !(candidate instanceof Connector) &&
      !(typeof candidate === 'object' && candidate !== null && 'spec' in candidate && 'read' in candidate)
    ) {
      throw new Error(`${from} does not export a Connector instance named "connector"`);
    }
    this.register(candidate as Connector);
    return candidate as Connector;
  }
}
