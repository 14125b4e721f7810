import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsNumber, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

const APPLIES_TO = ['LEVEL_AGGREGATE', 'LEVEL_EACH', 'UNIT_SUBTREE', 'UNIT_OWN'] as const;
const COMPARATORS = ['GT', 'GTE', 'LT', 'LTE'] as const;

const toDate = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? new Date(value) : value);

export class CreateTargetDto {
  @ApiProperty()
  @IsString()
  @MaxLength(64)
  indicatorId!: string;

  @ApiPropertyOptional({
    enum: APPLIES_TO,
    description:
      'What the target is judged on: LEVEL_AGGREGATE (own records of every unit of the tier together), LEVEL_EACH (each unit of the tier on its own records), ' +
      'UNIT_SUBTREE or UNIT_OWN (the unit given by unitCode). Default: LEVEL_EACH with a tier, UNIT_SUBTREE with a unitCode.',
  })
  @IsOptional()
  @IsIn(APPLIES_TO, { message: `appliesTo must be one of ${APPLIES_TO.join(', ')}` })
  appliesTo?: (typeof APPLIES_TO)[number];

  @ApiPropertyOptional({ enum: ['PROVINCE', 'DISTRICT', 'COMMUNE'], description: 'Tier the target applies to (or give unitCode)' })
  @ValidateIf((target: CreateTargetDto) => target.unitCode === undefined)
  @IsIn(['PROVINCE', 'DISTRICT', 'COMMUNE'], { message: 'tier must be PROVINCE, DISTRICT or COMMUNE (or give unitCode)' })
  tier?: 'PROVINCE' | 'DISTRICT' | 'COMMUNE';

  @ApiPropertyOptional({ description: 'A target for one unit only' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  unitCode?: string;

  @ApiProperty({ enum: COMPARATORS, description: 'GT = "trên" (strictly above), GTE = "ít nhất", LT = "dưới", LTE = "không quá"' })
  @IsIn(COMPARATORS, { message: `comparator must be one of ${COMPARATORS.join(', ')}` })
  comparator!: (typeof COMPARATORS)[number];

  @ApiProperty({ example: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @ApiPropertyOptional({ example: '2021-01-01', description: "First day of the target's period" })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'periodStart must be an ISO-8601 date' })
  periodStart?: Date;

  @ApiPropertyOptional({ example: '2025-12-31' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'deadline must be an ISO-8601 date' })
  deadline?: Date;

  @ApiPropertyOptional({ example: '13-NQ/TU', description: 'Code of the resolution whose scorecard the target counts in' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  resolutionCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class UpdateTargetDto extends PartialType(
  PickType(CreateTargetDto, ['comparator', 'value', 'periodStart', 'deadline', 'note'] as const),
) {}
