import { BaseConfig } from '@ioc/config';
import { IsInt, IsString, Max, Min } from 'class-validator';

/** Environment of the gateway app (REST + socket.io). */
export class GatewayConfig extends BaseConfig {
  /** 0 picks a free port (tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';
}
