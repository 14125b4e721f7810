import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDate, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { HistoryResolution } from '@ioc/contracts';

const RESOLUTIONS = ['MINUTE', 'HOUR', 'DAY'] as const;
const toDate = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? new Date(value) : value);

export class RecomputeRequestDto {
  @ApiProperty({ description: 'Start of the period (ISO-8601, inclusive)', example: '2026-11-20T00:00:00+07:00' })
  @Transform(toDate)
  @IsDate({ message: 'from must be an ISO-8601 date-time' })
  from!: Date;

  @ApiProperty({ description: 'End of the period (ISO-8601, exclusive)', example: '2026-11-21T00:00:00+07:00' })
  @Transform(toDate)
  @IsDate({ message: 'to must be an ISO-8601 date-time' })
  to!: Date;

  @ApiPropertyOptional({ description: 'One indicator; default every enabled one' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  indicator?: string;

  @ApiPropertyOptional({ description: 'One unit and its subtree; default every unit' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  unit?: string;

  @ApiPropertyOptional({ enum: RESOLUTIONS, isArray: true, default: ['HOUR', 'DAY'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(RESOLUTIONS, { each: true })
  resolutions?: HistoryResolution[];
}
