import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IndicatorDefinition, Target } from '@ioc/persistence';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { CatalogService } from './catalog.service';
import { CreateIndicatorDto, UpdateIndicatorDto } from './dto/indicator.dto';
import { CreateTargetDto, UpdateTargetDto } from './dto/target.dto';

@ApiTags('indicators')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('indicators')
  @ApiOperation({ summary: 'Indicator definitions (formulas and windows as data)' })
  listIndicators(): Promise<IndicatorDefinition[]> {
    return this.catalog.listIndicators();
  }

  @Get('indicators/:id')
  @ApiOperation({ summary: 'One indicator with its targets' })
  getIndicator(@Param('id') id: string): Promise<IndicatorDefinition & { targets: Target[] }> {
    return this.catalog.getIndicator(id);
  }

  @Post('indicators')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Create an indicator (admin, audited)' })
  createIndicator(@CurrentPrincipal() actor: Principal, @Body() body: CreateIndicatorDto): Promise<IndicatorDefinition> {
    return this.catalog.createIndicator(actor, body);
  }

  @Patch('indicators/:id')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Update an indicator (admin, audited; bumps its version)' })
  updateIndicator(
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
    @Body() body: UpdateIndicatorDto,
  ): Promise<IndicatorDefinition> {
    return this.catalog.updateIndicator(actor, id, body);
  }

  @Get('targets')
  @ApiQuery({ name: 'indicator', required: false })
  @ApiOperation({ summary: 'Targets (chỉ tiêu), optionally of one indicator' })
  listTargets(@Query('indicator') indicator?: string): Promise<Target[]> {
    return this.catalog.listTargets(indicator);
  }

  @Post('targets')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Create a target (admin, audited)' })
  createTarget(@CurrentPrincipal() actor: Principal, @Body() body: CreateTargetDto): Promise<Target> {
    return this.catalog.createTarget(actor, body);
  }

  @Patch('targets/:id')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Update a target (admin, audited)' })
  updateTarget(
    @CurrentPrincipal() actor: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateTargetDto,
  ): Promise<Target> {
    return this.catalog.updateTarget(actor, id, body);
  }
}
