import { IsBoolean, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class CreateSourceDto {
  @IsString()
  @Length(1, 255)
  name!: string;

  /** A registered connector id, or "push". */
  @Matches(/^[a-z][a-z0-9-]{1,63}$/)
  connectorType!: string;

  /** Checked against the connector's config schema; refused with field-level errors. */
  @IsObject()
  config!: Record<string, unknown>;

  /** Checked against the connector's credentials schema, then stored encrypted. */
  @IsObject()
  credentials!: Record<string, unknown>;

  /** "every:<ms>" or "cron:<pattern>"; the connector's default when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  schedule?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
