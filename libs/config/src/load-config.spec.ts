import { IsInt, Max, Min } from 'class-validator';
import { BaseConfig } from './base-config';
import { ConfigValidationError, loadConfig } from './load-config';

class ExampleConfig extends BaseConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;
}

describe('loadConfig', () => {
  it('takes defaults for missing variables and converts numbers', () => {
    const config = loadConfig(ExampleConfig, { PORT: '8080' });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/ioc');
    expect(config.REDIS_PREFIX).toBe('ioc');
    expect(config.SHUTDOWN_TIMEOUT_S).toBe(10);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig(ExampleConfig, { PORT: '' }).PORT).toBe(3000);
  });

  it('names every invalid variable in one error', () => {
    const attempt = (): ExampleConfig => loadConfig(ExampleConfig, { PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigValidationError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigValidationError).problems.join('\n');
      expect(problems).toMatch(/PORT must not be greater than 65535/);
      expect(problems).toMatch(/DATABASE_URL must be a postgresql:\/\/ URL/);
      expect(problems).toMatch(/LOG_LEVEL must be one of the following values/);
    }
  });

  it('refuses a Redis prefix that could escape its key space', () => {
    expect(() => loadConfig(ExampleConfig, { REDIS_PREFIX: 'a b*' })).toThrow(/REDIS_PREFIX may hold/);
  });
});
