import 'reflect-metadata';
import { ConfigValidationError, loadConfig } from '@ioc/config';
import { GatewayConfig } from './gateway-config';

describe('GatewayConfig', () => {
  it('refuses to start without JWT_SECRET, naming it', () => {
    expect(() => loadConfig(GatewayConfig, {})).toThrow(ConfigValidationError);
    expect(() => loadConfig(GatewayConfig, {})).toThrow(/JWT_SECRET is required/);
  });

  it('refuses a short secret', () => {
    expect(() => loadConfig(GatewayConfig, { JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });

  it('lets development and test generate a secret only when asked to, never production', () => {
    expect(loadConfig(GatewayConfig, { NODE_ENV: 'development', JWT_SECRET_GENERATE: 'true' }).JWT_SECRET).toBeUndefined();
    expect(() => loadConfig(GatewayConfig, { NODE_ENV: 'development', JWT_SECRET_GENERATE: 'false' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig(GatewayConfig, { NODE_ENV: 'production', JWT_SECRET_GENERATE: 'true' })).toThrow(/JWT_SECRET/);
  });

  it('reads the live limits as numbers', () => {
    const config = loadConfig(GatewayConfig, {
      JWT_SECRET: 'x'.repeat(32),
      LIVE_MAX_UPDATES_PER_TILE_PER_S: '0',
      LIVE_MAX_SUBSCRIPTIONS: '50',
    });
    expect([config.LIVE_MAX_UPDATES_PER_TILE_PER_S, config.LIVE_MAX_SUBSCRIPTIONS]).toEqual([0, 50]);
  });
});
