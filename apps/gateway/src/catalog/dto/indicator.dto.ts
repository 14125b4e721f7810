import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { checkFormula, checkWindow } from '@ioc/indicators';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const FORMULA_OPS = ['count', 'sum', 'latest', 'ratio', 'average', 'score', 'index', 'freshness'];
const WINDOW_TYPES = ['today', 'month_to_date', 'year_to_date', 'rolling', 'standing'];
const TIERS = ['PROVINCE', 'DISTRICT', 'COMMUNE'] as const;

/** An indicator definition; formula and window are data (see Formula / IndicatorWindow in @ioc/contracts). */
export class CreateIndicatorDto {
  @ApiProperty({ example: 'dossier.paid_online_pct' })
  @Matches(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, { message: 'id must be dotted lower-case words, e.g. "dossier.online_pct"' })
  @MaxLength(64)
  id!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(255)
  nameVi!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(255)
  nameEn!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiProperty({ example: '%' })
  @IsString()
  @MaxLength(32)
  unitOfMeasure!: string;

  @ApiProperty({ description: `Formula as data; op one of ${FORMULA_OPS.join(', ')}` })
  @IsObject()
  formula!: Record<string, unknown>;

  @ApiProperty({ description: `Window; type one of ${WINDOW_TYPES.join(', ')}` })
  @IsObject()
  window!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: TIERS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TIERS.length)
  @IsIn(TIERS, { each: true })
  tiers?: (typeof TIERS)[number][];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateIndicatorDto extends PartialType(OmitType(CreateIndicatorDto, ['id'] as const)) {}

/**
 * Field paths of a formula or window that the aggregator could not use (empty when fine): the
 * same check the aggregator applies when it loads the catalogue, so no stored definition is skipped there.
 */
export function definitionProblems(formula: Record<string, unknown> | undefined, window: Record<string, unknown> | undefined): string[] {
  const problems = [...(formula === undefined ? [] : checkFormula(formula)), ...(window === undefined ? [] : checkWindow(window))];
  return [...new Set(problems.map((problem) => problem.slice(0, problem.indexOf(':'))))];
}
