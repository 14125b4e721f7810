import { ConnectorRegistry } from './registry';
import { connector as example } from '../../../examples/connectors/pakn.connector';

describe('ConnectorRegistry', () => {
  it('registers the connector a plug-in module exports, and refuses duplicates and non-connectors', () => {
    const registry = new ConnectorRegistry();
    expect(registry.registerModule({ connector: example }, 'pakn.connector.js')).toBe(example);
    expect(registry.get('pakn-portal')).toBe(example);
    expect(() => registry.registerModule({ connector: example }, 'again.js')).toThrow(/already registered/);
    expect(() => registry.registerModule({ somethingElse: 1 }, 'wrong.js')).toThrow(
      /wrong.js does not export a Connector instance named "connector"/,
    );
    expect(() => registry.get('missing')).toThrow(/No connector "missing" is registered \(known: pakn-portal\)/);
  });
});
