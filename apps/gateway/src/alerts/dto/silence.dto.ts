import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

const LABELS = ['ruleId', 'ruleName', 'kind', 'severity', 'indicatorId', 'unitCode', 'unitPath', 'sourceId'] as const;
const toDate = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? new Date(value) : value);

export class SilenceMatcherDto {
  @ApiProperty({ enum: LABELS })
  @IsIn(LABELS)
  name!: string;

  @ApiProperty({ example: '522' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  value!: string;

  @ApiPropertyOptional({ description: 'value is a regular expression matched against the whole label' })
  @IsOptional()
  @IsBoolean()
  isRegex?: boolean;

  @ApiPropertyOptional({ default: true, description: 'false: the label must NOT match' })
  @IsOptional()
  @IsBoolean()
  isEqual?: boolean;
}

export class CreateSilenceDto {
  @ApiProperty({ type: SilenceMatcherDto, isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SilenceMatcherDto)
  matchers!: SilenceMatcherDto[];

  @ApiPropertyOptional({ description: 'Default: now' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'startsAt must be an ISO-8601 date-time' })
  startsAt?: Date;

  @ApiProperty()
  @Transform(toDate)
  @IsDate({ message: 'endsAt must be an ISO-8601 date-time' })
  endsAt!: Date;

  @ApiPropertyOptional({
    example: '522',
    description: "Unit the silence belongs to and is confined to (default: the author's unit); must lie in the author's subtree",
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  unitCode?: string;

  @ApiPropertyOptional({ example: 'Bảo trì hệ thống một cửa' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

export class UpdateSilenceDto extends PartialType(CreateSilenceDto) {}
