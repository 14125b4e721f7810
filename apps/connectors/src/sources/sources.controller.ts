import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, UseGuards, ValidationPipe } from '@nestjs/common';
import type { CheckResult } from '@ioc/connector-sdk';
import { AdminTokenGuard } from './admin-token.guard';
import { BackfillRequestDto } from './dto/backfill-request.dto';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourcesService, type SourceSummary } from './sources.service';

const validation = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

@Controller('sources')
@UseGuards(AdminTokenGuard)
export class SourcesController {
  constructor(private readonly sourcesService: SourcesService) {}

  @Post()
  create(@Body(validation) request: CreateSourceDto): Promise<SourceSummary> {
    return this.sourcesService.create(request);
  }

  @Post(':sourceId/check')
  @HttpCode(HttpStatus.OK)
  check(@Param('sourceId', new ParseUUIDPipe()) sourceId: string): Promise<CheckResult> {
    return this.sourcesService.check(sourceId);
  }

  @Post(':sourceId/backfill')
  @HttpCode(HttpStatus.ACCEPTED)
  backfill(
    @Param('sourceId', new ParseUUIDPipe()) sourceId: string,
    @Body(validation) request: BackfillRequestDto,
  ): Promise<{ jobId: string }> {
    return this.sourcesService.backfill(sourceId, request);
  }
}
