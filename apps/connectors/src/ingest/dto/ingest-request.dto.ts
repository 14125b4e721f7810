import { ArrayMaxSize, IsArray, Matches } from 'class-validator';
import type { IngestRequest } from '@ioc/contracts';

export class IngestRequestDto implements IngestRequest {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'stream must be lower-case letters, digits and "-" (1-64)' })
  stream!: string;

  /** Events in the NormalizedEvent shape; sourceId and stream may be left out. Each is validated on its own. */
  @IsArray()
  @ArrayMaxSize(5000)
  events!: unknown[];
}
