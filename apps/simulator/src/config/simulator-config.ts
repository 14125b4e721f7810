import { BaseConfig } from '@ioc/config';
import { IsISO8601, IsInt, IsNumber, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/** Environment of the simulator (fake source systems for the demo and the tests). */
export class SimulatorConfig extends BaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  SIMULATOR_PORT: number = 4100;

  @IsString()
  SIMULATOR_HOST: string = '127.0.0.1';

  /** Same seed, same data. */
  @IsString()
  SIMULATOR_SEED: string = 'quang-ngai';

  /** Local days of data, today included. */
  @IsInt()
  @Min(1)
  @Max(60)
  SIMULATOR_HISTORY_DAYS: number = 2;

  /** Freezes the simulated clock (ISO-8601) for reproducible runs; unset = real time. */
  @IsOptional()
  @IsISO8601({ strict: true })
  SIMULATOR_FIXED_NOW?: string;

  /** Bearer token every simulated system accepts. */
  @IsString()
  @MinLength(8)
  SIMULATOR_TOKEN: string = 'sim-demo-token';

  @IsInt()
  @Min(1)
  SIMULATOR_MAX_PAGE_SIZE: number = 500;

  @IsNumber() @Min(0) @Max(1) SIMULATOR_ERROR_RATE: number = 0;
  @IsNumber() @Min(0) @Max(1) SIMULATOR_RATE_LIMIT_RATE: number = 0;
  @IsNumber() @Min(0) @Max(1) SIMULATOR_SLOW_RATE: number = 0;
  @IsInt() @Min(0) SIMULATOR_SLOW_MS: number = 3000;
}
