import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { type DashboardView, DashboardsService } from './dashboards.service';
import { CreateDashboardDto, UpdateDashboardDto } from './dto/dashboard.dto';

@ApiTags('dashboards')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('dashboards')
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  @Get()
  @ApiOperation({ summary: 'Dashboards (wall-display layouts) inside your scope' })
  list(@CurrentPrincipal() principal: Principal): Promise<DashboardView[]> {
    return this.dashboards.list(principal);
  }

  @Get(':slug')
  get(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string): Promise<DashboardView> {
    return this.dashboards.get(principal, slug);
  }

  @Post()
  @Roles('ADMIN', 'OPERATOR')
  @ApiOperation({ summary: 'Create a dashboard (audited)' })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateDashboardDto): Promise<DashboardView> {
    return this.dashboards.create(actor, body);
  }

  @Put(':slug')
  @Roles('ADMIN', 'OPERATOR')
  @ApiOperation({ summary: 'Change a dashboard (audited; its displays are told to re-subscribe)' })
  update(@CurrentPrincipal() actor: Principal, @Param('slug') slug: string, @Body() body: UpdateDashboardDto): Promise<DashboardView> {
    return this.dashboards.update(actor, slug, body);
  }

  @Delete(':slug')
  @HttpCode(204)
  @Roles('ADMIN', 'OPERATOR')
  @ApiOperation({ summary: 'Delete a dashboard (audited)' })
  remove(@CurrentPrincipal() actor: Principal, @Param('slug') slug: string): Promise<void> {
    return this.dashboards.remove(actor, slug);
  }
}
