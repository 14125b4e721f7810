import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { ResolutionScorecard } from '@ioc/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ScorecardsService } from './scorecards.service';

@ApiTags('scorecards')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('scorecards')
export class ScorecardsController {
  constructor(private readonly scorecards: ScorecardsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Resolution scorecards: per resolution met / total, each target with what it applies to, value, status, units met / evaluated, and its result at the deadline once passed',
  })
  list(@CurrentPrincipal() principal: Principal): Promise<ResolutionScorecard[]> {
    return this.scorecards.list(principal);
  }
}
