import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DeadLetterView, RedriveResult } from '@ioc/queues';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { DeadLettersService } from './dead-letters.service';
import { DeadLetterActionDto, DeadLetterListQueryDto } from './dto/dead-letter-filter.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters, newest first, filtered by source, stage, reason and time' })
  list(@Query() query: DeadLetterListQueryDto): Promise<{ total: number; entries: DeadLetterView[] }> {
    return this.deadLetters.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter with its reason and the refused record or event' })
  get(@Param('id') id: string): Promise<DeadLetterView> {
    return this.deadLetters.get(id);
  }

  @Post('redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-queue refused events after a fix; idempotent, a redriven event is counted at most once (audited)' })
  redrive(@CurrentPrincipal() actor: Principal, @Body() body: DeadLetterActionDto): Promise<RedriveResult> {
    return this.deadLetters.redrive(actor, body);
  }

  @Post('purge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete dead letters for good (audited)' })
  purge(@CurrentPrincipal() actor: Principal, @Body() body: DeadLetterActionDto): Promise<{ purged: number }> {
    return this.deadLetters.purge(actor, body);
  }
}
