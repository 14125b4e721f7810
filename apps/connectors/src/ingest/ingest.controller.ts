import { Body, Controller, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { IngestHeader, type IngestResponse } from '@ioc/contracts';
import { IngestService } from './ingest.service';

/** Requests keep the exact bytes received, which the signature covers (see configureConnectorsApp). */
export type RawBodyRequest = Request & { rawBody?: Buffer };

@Controller('ingest')
export class IngestController {
  constructor(private readonly ingestService: IngestService) {}

  @Post(':sourceId')
  @HttpCode(HttpStatus.ACCEPTED)
  ingest(
    @Param('sourceId', new ParseUUIDPipe()) sourceId: string,
    @Headers(IngestHeader.Signature) signature: string | undefined,
    @Headers(IngestHeader.Timestamp) timestamp: string | undefined,
    @Req() request: RawBodyRequest,
    @Body() body: unknown,
  ): Promise<IngestResponse> {
    return this.ingestService.ingest(sourceId, { signature, timestamp, rawBody: request.rawBody, body });
  }
}
