import { IsISO8601, Matches } from 'class-validator';

export class BackfillRequestDto {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  stream!: string;

  /** Start of the range (inclusive), ISO-8601 with offset. */
  @IsISO8601({ strict: true })
  from!: string;

  /** End of the range (exclusive). */
  @IsISO8601({ strict: true })
  to!: string;
}
