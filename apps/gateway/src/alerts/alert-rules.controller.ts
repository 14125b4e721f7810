import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AlertRule } from '@ioc/persistence';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AlertRulesService } from './alert-rules.service';
import { CreateAlertRuleDto, UpdateAlertRuleDto } from './dto/alert-rule.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Roles('ADMIN', 'OPERATOR')
@Controller('alert-rules')
export class AlertRulesController {
  constructor(private readonly rules: AlertRulesService) {}

  @Get()
  @ApiOperation({ summary: "Alert rules owned by units in the caller's subtree" })
  list(@CurrentPrincipal() principal: Principal): Promise<AlertRule[]> {
    return this.rules.list(principal);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AlertRule> {
    return this.rules.get(principal, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create an alert rule; params are validated by kind (audited)' })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateAlertRuleDto): Promise<AlertRule> {
    return this.rules.create(actor, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an alert rule (audited)' })
  update(
    @CurrentPrincipal() actor: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateAlertRuleDto,
  ): Promise<AlertRule> {
    return this.rules.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an alert rule and its alerts (audited)' })
  remove(@CurrentPrincipal() actor: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.rules.remove(actor, id);
  }
}
