import { BaseConfig } from './base-config';
import { ConfigValidationError, loadConfig } from './load-config';
import { parseNodeList, redisTopologyOf } from './redis-topology';

describe('Redis topology from configuration', () => {
  it('is a single server at REDIS_URL by default', () => {
    expect(redisTopologyOf(loadConfig(BaseConfig, {}))).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
  });

  it('is Sentinel with REDIS_SENTINELS, REDIS_URL keeping the credentials', () => {
    const config = loadConfig(BaseConfig, {
      REDIS_URL: 'redis://:secret@ignored:6379',
      REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b:26379',
      REDIS_SENTINEL_MASTER: 'ioc-master',
    });
    expect(redisTopologyOf(config)).toEqual({
      kind: 'sentinel',
      url: 'redis://:secret@ignored:6379',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: 'sentinel-b', port: 26379 },
      ],
      masterName: 'ioc-master',
    });
  });

  it('is a Cluster with REDIS_CLUSTER_NODES', () => {
    const topology = redisTopologyOf(loadConfig(BaseConfig, { REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7001' }));
    expect(topology).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
  });

  it('refuses malformed lists and both engines at once, naming the variable', () => {
    expect(() => loadConfig(BaseConfig, { REDIS_CLUSTER_NODES: 'redis-a' })).toThrow(
      /REDIS_CLUSTER_NODES must be a comma-separated host:port list/,
    );
    expect(() => loadConfig(BaseConfig, { REDIS_SENTINELS: 'a:1,b:99999' })).toThrow(
      /REDIS_SENTINELS must be a comma-separated host:port list/,
    );
    expect(() => loadConfig(BaseConfig, { REDIS_SENTINELS: 'a:26379', REDIS_CLUSTER_NODES: 'b:7000' })).toThrow(ConfigValidationError);
    expect(() => loadConfig(BaseConfig, { REDIS_SENTINELS: 'a:26379', REDIS_CLUSTER_NODES: 'b:7000' })).toThrow(/not both/);
  });

  it('parses host:port lists', () => {
    expect(parseNodeList('a:1')).toEqual([{ host: 'a', port: 1 }]);
    expect(parseNodeList('a:1,')).toBeUndefined();
    expect(parseNodeList('a:0')).toBeUndefined();
  });
});
