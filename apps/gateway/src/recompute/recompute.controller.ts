import { Body, Controller, Get, type MessageEvent, Param, Post, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RecomputeRequestDto } from './dto/recompute-request.dto';
import { RecomputeService, type RecomputeStatus } from './recompute.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('admin/history/recompute')
export class RecomputeController {
  constructor(private readonly recompute: RecomputeService) {}

  @Post()
  @ApiOperation({ summary: 'Rebuild indicator history for a past period from the stored source events (audited); an aggregator runs it' })
  start(@CurrentPrincipal() actor: Principal, @Body() body: RecomputeRequestDto): Promise<RecomputeStatus> {
    return this.recompute.start(actor, body);
  }

  @Get(':jobId')
  @ApiOperation({ summary: 'State, progress and result of a recompute' })
  status(@Param('jobId') jobId: string): Promise<RecomputeStatus> {
    return this.recompute.status(jobId);
  }

  @Sse(':jobId/events')
  @ApiOperation({ summary: 'Progress of a recompute as server-sent events: status, progress…, then completed or failed' })
  follow(@Param('jobId') jobId: string): Promise<Observable<MessageEvent>> {
    return this.recompute.follow(jobId);
  }
}
