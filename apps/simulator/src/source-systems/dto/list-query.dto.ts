import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, Max, Min } from 'class-validator';

export class ListQueryDto {
  /** Only records changed strictly after this instant (ISO-8601 with offset). */
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  page = 1;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize = 100;
}
