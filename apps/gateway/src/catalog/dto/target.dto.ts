import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsNumber, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

const toDate = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? new Date(value) : value);

export class CreateTargetDto {
  @ApiProperty()
  @IsString()
  @MaxLength(64)
  indicatorId!: string;

  @ApiPropertyOptional({ enum: ['PROVINCE', 'DISTRICT', 'COMMUNE'], description: 'Tier the target applies to (or give unitCode)' })
  @ValidateIf((target: CreateTargetDto) => target.unitCode === undefined)
  @IsIn(['PROVINCE', 'DISTRICT', 'COMMUNE'], { message: 'tier must be PROVINCE, DISTRICT or COMMUNE (or give unitCode)' })
  tier?: 'PROVINCE' | 'DISTRICT' | 'COMMUNE';

  @ApiPropertyOptional({ description: 'A target for one unit only' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  unitCode?: string;

  @ApiProperty({ enum: ['GTE', 'LTE'] })
  @IsIn(['GTE', 'LTE'])
  comparator!: 'GTE' | 'LTE';

  @ApiProperty({ example: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @ApiPropertyOptional({ example: '2025-12-31' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'deadline must be an ISO-8601 date' })
  deadline?: Date;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class UpdateTargetDto extends PartialType(PickType(CreateTargetDto, ['comparator', 'value', 'deadline', 'note'] as const)) {}
