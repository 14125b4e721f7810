import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AdminService, type ApiKeyView, type UserView } from './admin.service';
import { CreateApiKeyDto, CreateUserDto, UpdateUserDto } from './dto/user.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  @ApiOperation({ summary: 'Users inside your scope' })
  listUsers(@CurrentPrincipal() actor: Principal): Promise<UserView[]> {
    return this.admin.listUsers(actor);
  }

  @Post('users')
  @ApiOperation({ summary: 'Create a user (audited)' })
  createUser(@CurrentPrincipal() actor: Principal, @Body() body: CreateUserDto): Promise<UserView> {
    return this.admin.createUser(actor, body);
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Change a user: role, scope, password, active (audited)' })
  updateUser(@CurrentPrincipal() actor: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.admin.updateUser(actor, id, body);
  }

  @Get('api-keys')
  @ApiOperation({ summary: 'API keys inside your scope (prefix only)' })
  listApiKeys(@CurrentPrincipal() actor: Principal): Promise<ApiKeyView[]> {
    return this.admin.listApiKeys(actor);
  }

  @Post('api-keys')
  @ApiOperation({ summary: 'Issue an API key for a display or integrator; the key is shown once (audited)' })
  createApiKey(@CurrentPrincipal() actor: Principal, @Body() body: CreateApiKeyDto): Promise<ApiKeyView & { key: string }> {
    return this.admin.createApiKey(actor, body);
  }

  @Post('api-keys/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (audited)' })
  revokeApiKey(@CurrentPrincipal() actor: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyView> {
    return this.admin.revokeApiKey(actor, id);
  }

  @Get('audit')
  @ApiOperation({ summary: 'Audit trail (newest first, 500 at most)' })
  @ApiQuery({ name: 'entityType', required: false })
  @ApiQuery({ name: 'entityId', required: false })
  audit(
    @CurrentPrincipal() actor: Principal,
    @Query('entityType') entityType?: string,
    @Query('entityId') entityId?: string,
  ): Promise<object[]> {
    return this.admin.auditTrail(actor, entityType, entityId);
  }
}
