import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import type { FaultRates } from '../simulator-core';

/** Partial fault rates for one system (PUT /_control/:system/faults), e.g. a 500 storm. */
export class FaultRatesDto implements Partial<FaultRates> {
  @IsOptional() @IsNumber() @Min(0) @Max(1) errorRate?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) rateLimitRate?: number;
  @IsOptional() @IsInt() @Min(0) @Max(3600) retryAfterSeconds?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1) slowRate?: number;
  @IsOptional() @IsInt() @Min(0) @Max(60_000) slowMs?: number;
}
