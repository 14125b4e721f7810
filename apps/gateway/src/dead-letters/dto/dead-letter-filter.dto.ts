import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const STAGES = ['connector', 'ingest', 'aggregator'] as const;
const toDate = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? new Date(value) : value);

/** Which dead letters: every given criterion must hold. */
export class DeadLetterFilterDto {
  @ApiPropertyOptional({ description: 'Source id' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  source?: string;

  @ApiPropertyOptional({ enum: STAGES, description: 'Where it was refused' })
  @IsOptional()
  @IsIn(STAGES)
  stage?: (typeof STAGES)[number];

  @ApiPropertyOptional({ description: 'Case-insensitive part of the reason, e.g. "unknown unit"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;

  @ApiPropertyOptional({ description: 'Refused at or after (ISO-8601)' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'from must be an ISO-8601 date-time' })
  from?: Date;

  @ApiPropertyOptional({ description: 'Refused before (ISO-8601)' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'to must be an ISO-8601 date-time' })
  to?: Date;
}

export class DeadLetterListQueryDto extends DeadLetterFilterDto {
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

/** Redrive or purge: the listed ids, or everything the filter matches (`all: true` when the filter is empty). */
export class DeadLetterActionDto extends DeadLetterFilterDto {
  @ApiPropertyOptional({ type: [String], description: 'Dead-letter ids (from the list)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  ids?: string[];

  @ApiPropertyOptional({ description: 'Confirms acting on every dead letter when no other criterion is given' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}
