import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDate, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

const csv = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : value;

export class ValuesQueryDto {
  @ApiProperty({ description: 'Comma-separated indicator ids', example: 'doc.overdue,dossier.late' })
  @Transform(csv)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  indicators!: string[];

  @ApiProperty({ description: 'Comma-separated unit codes', example: '522' })
  @Transform(csv)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  units!: string[];

  @ApiPropertyOptional({ description: 'Each unit stands for its whole subtree' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true')
  @IsBoolean()
  subtree?: boolean;
}

export const RESOLUTIONS = ['MINUTE', 'HOUR', 'DAY'] as const;

export class HistoryQueryDto {
  @ApiProperty({ example: 'doc.processed_online_pct' })
  @IsString()
  @MaxLength(64)
  indicator!: string;

  @ApiProperty({ example: '522' })
  @IsString()
  @MaxLength(32)
  unit!: string;

  @ApiProperty({ enum: RESOLUTIONS })
  @IsIn(RESOLUTIONS)
  resolution!: (typeof RESOLUTIONS)[number];

  @ApiProperty({ description: 'ISO-8601 start (inclusive)' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? new Date(value) : value))
  @IsDate({ message: 'from must be an ISO-8601 date-time' })
  from!: Date;

  @ApiProperty({ description: 'ISO-8601 end (exclusive)' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? new Date(value) : value))
  @IsDate({ message: 'to must be an ISO-8601 date-time' })
  to!: Date;
}
