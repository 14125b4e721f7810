import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class TileThresholdsDto {
  @ApiProperty()
  @IsNumber()
  good!: number;

  @ApiProperty()
  @IsNumber()
  warn!: number;
}

export class DashboardTileDto {
  @ApiProperty({ example: 'doc.processed_online_pct' })
  @IsString()
  @MaxLength(64)
  indicatorId!: string;

  @ApiProperty({ example: '522' })
  @IsString()
  @MaxLength(32)
  unitCode!: string;

  @ApiPropertyOptional({ type: TileThresholdsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TileThresholdsDto)
  thresholds?: TileThresholdsDto;
}

export class DashboardLayoutDto {
  @ApiProperty({ example: 4 })
  @IsInt()
  @Min(1)
  @Max(24)
  columns!: number;

  @ApiProperty({ type: [DashboardTileDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => DashboardTileDto)
  tiles!: DashboardTileDto[];
}

export class CreateDashboardDto {
  @ApiProperty({ example: 'tp-quang-ngai' })
  @Matches(/^[a-z0-9-]{1,128}$/, { message: 'slug must be lower-case letters, digits and "-" (1-128)' })
  slug!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(255)
  title!: string;

  @ApiProperty({ example: '522', description: 'Root unit shown; viewers need it in their scope' })
  @IsString()
  @MaxLength(32)
  unitCode!: string;

  @ApiProperty({ type: DashboardLayoutDto })
  @ValidateNested()
  @Type(() => DashboardLayoutDto)
  layout!: DashboardLayoutDto;
}

export class UpdateDashboardDto extends PartialType(OmitType(CreateDashboardDto, ['slug'] as const)) {}
