import { IsOptional, Matches } from 'class-validator';

export class DisplayViewQueryDto {
  /** Drill down: show the dashboard's indicators for this unit (below the dashboard's own). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,32}$/, { message: 'unit must be a unit code (letters, digits, ".", "_", "-"; at most 32)' })
  unit?: string;
}
