import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { AlertComment } from '@ioc/persistence';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { type AlertDetailView, type AlertView, AlertsService } from './alerts.service';
import { AlertCommentDto, AlertNoteDto, ListAlertsQueryDto } from './dto/alert.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Roles('ADMIN', 'LEADER', 'OPERATOR', 'VIEWER')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts in your subtree, newest first (default: open ones)' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAlertsQueryDto): Promise<AlertView[]> {
    return this.alerts.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert with its transitions and comments' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AlertDetailView> {
    return this.alerts.get(principal, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('ADMIN', 'LEADER', 'OPERATOR')
  @ApiOperation({ summary: 'Acknowledge a firing alert (stops repeats and escalation)' })
  acknowledge(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AlertNoteDto,
  ): Promise<AlertView> {
    return this.alerts.acknowledge(principal, id, body.note);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('ADMIN', 'LEADER', 'OPERATOR')
  @ApiOperation({ summary: 'Resolve an open alert by hand' })
  resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AlertNoteDto,
  ): Promise<AlertView> {
    return this.alerts.resolve(principal, id, body.note);
  }

  @Post(':id/comments')
  @Roles('ADMIN', 'LEADER', 'OPERATOR')
  @ApiOperation({ summary: 'Comment on an alert' })
  comment(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AlertCommentDto,
  ): Promise<AlertComment> {
    return this.alerts.comment(principal, id, body.body);
  }
}
