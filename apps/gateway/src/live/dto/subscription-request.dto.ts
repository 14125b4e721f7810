import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';

/** Mirrors SubscriptionRequest (@ioc/contracts) with bounds, so one message cannot ask for the world. */
export class SubscriptionRequestDto {
  @ValidateIf((request: SubscriptionRequestDto) => request.dashboard === undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  indicators: string[] = [];

  @ValidateIf((request: SubscriptionRequestDto) => request.dashboard === undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  units: string[] = [];

  @IsOptional()
  @IsBoolean()
  subtree?: boolean;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{1,128}$/, { message: 'dashboard must be a dashboard slug (lower-case letters, digits, "-")' })
  dashboard?: string;

  /** "indicator:unit" → { epoch, seq }; checked entry by entry by the service. */
  @IsOptional()
  @IsObject()
  positions?: Record<string, { epoch: string; seq: number }>;
}

export class UnsubscribeRequestDto {
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  indicators!: string[];

  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  units!: string[];
}
