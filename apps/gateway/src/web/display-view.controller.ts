import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { DashboardView } from '@ioc/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { DisplayViewQueryDto } from './dto/display-view-query.dto';
import { DisplayViewService } from './display-view.service';

@ApiTags('web')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('web/api')
export class DisplayViewController {
  constructor(private readonly views: DisplayViewService) {}

  @Get('dashboards/:slug')
  @ApiOperation({ summary: 'A dashboard ready to draw: tiles with indicator names, units and recent history; optional drill-down unit' })
  dashboard(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Query() query: DisplayViewQueryDto): Promise<DashboardView> {
    return this.views.view(principal, slug, query.unit);
  }
}
