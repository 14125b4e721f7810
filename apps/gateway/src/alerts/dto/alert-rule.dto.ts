import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ROLES, type RoleName } from '../../admin/dto/user.dto';
import { ALERT_SEVERITIES } from './alert.dto';

export const RULE_KINDS = [
  'THRESHOLD_BELOW',
  'THRESHOLD_ABOVE',
  'BELOW_TARGET',
  'RATE_OF_CHANGE',
  'STALE_SOURCE',
  'CONNECTOR_DOWN',
  'PROJECTED_MISS',
] as const;
export type RuleKindName = (typeof RULE_KINDS)[number];
const TIERS = ['PROVINCE', 'DISTRICT', 'COMMUNE'] as const;
const DAY_SECONDS = 86_400;

export class AlertRuleScopeDto {
  @ApiPropertyOptional({ example: ['522'], description: 'These units only' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  unitCodes?: string[];

  @ApiPropertyOptional({ enum: TIERS, isArray: true, description: 'Units of these levels only' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TIERS.length)
  @IsIn(TIERS, { each: true })
  tiers?: (typeof TIERS)[number][];

  @ApiPropertyOptional({ example: '522', description: 'Units in the subtree of this unit code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  subtreeOf?: string;
}

export class CreateAlertRuleDto {
  @ApiProperty({ example: 'Tỷ lệ hồ sơ trực tuyến dưới 70%' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name!: string;

  @ApiProperty({ enum: RULE_KINDS })
  @IsIn(RULE_KINDS)
  kind!: RuleKindName;

  @ApiPropertyOptional({ description: 'Required for indicator rules (threshold, below target, rate of change, projected miss)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  indicatorId?: string;

  @ApiProperty({ description: 'By kind: see AlertRuleParams DTOs (threshold; windowSeconds + maxChange; maxAgeSeconds; deadline...)' })
  @IsObject()
  params!: Record<string, unknown>;

  @ApiProperty({ enum: ALERT_SEVERITIES })
  @IsIn(ALERT_SEVERITIES)
  severity!: (typeof ALERT_SEVERITIES)[number];

  @ApiPropertyOptional({ type: AlertRuleScopeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AlertRuleScopeDto)
  scope?: AlertRuleScopeDto;

  @ApiPropertyOptional({ default: 0, description: 'Pending duration before firing' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DAY_SECONDS)
  forSeconds?: number;

  @ApiPropertyOptional({ default: 0, description: 'How long a cleared alert keeps firing, so a value hovering at the line does not flap' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DAY_SECONDS)
  keepFiringSeconds?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateAlertRuleDto extends PartialType(CreateAlertRuleDto) {}

// Parameters by rule kind: the service validates `params` against the class of the rule's kind.

class RuleParamsBaseDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  notifyRoles?: RoleName[];
}

export class ThresholdParamsDto extends RuleParamsBaseDto {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold!: number;
}

export class BelowTargetParamsDto extends RuleParamsBaseDto {}

export class RateOfChangeParamsDto extends RuleParamsBaseDto {
  @IsInt()
  @Min(1)
  windowSeconds!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  maxChange!: number;
}

export class StaleSourceParamsDto extends RuleParamsBaseDto {
  @IsInt()
  @Min(1)
  maxAgeSeconds!: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  sourceId?: string;
}

export class ConnectorDownParamsDto extends RuleParamsBaseDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  sourceId?: string;
}

export class ProjectedMissParamsDto extends RuleParamsBaseDto {
  @IsInt()
  @Min(60)
  windowSeconds!: number;

  @IsISO8601()
  @MaxLength(64)
  deadline!: string;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  target?: number;
}

export const PARAMS_BY_KIND: Record<RuleKindName, new () => object> = {
  THRESHOLD_BELOW: ThresholdParamsDto,
  THRESHOLD_ABOVE: ThresholdParamsDto,
  BELOW_TARGET: BelowTargetParamsDto,
  RATE_OF_CHANGE: RateOfChangeParamsDto,
  STALE_SOURCE: StaleSourceParamsDto,
  CONNECTOR_DOWN: ConnectorDownParamsDto,
  PROJECTED_MISS: ProjectedMissParamsDto,
};
