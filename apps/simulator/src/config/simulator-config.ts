import { BaseConfig } from '@ioc/config';
import { IsInt, IsString, Max, Min } from 'class-validator';

/** Environment of the simulator (fake source systems for the demo and the tests). */
export class SimulatorConfig extends BaseConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  SIMULATOR_PORT = 4100;

  @IsString()
  SIMULATOR_HOST = '127.0.0.1';
}
