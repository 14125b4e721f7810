import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { type UnitNode, UnitsService } from './units.service';

@ApiTags('units')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Get('tree')
  @ApiOperation({ summary: 'The administrative unit tree under your scope (or under `root`)' })
  @ApiQuery({ name: 'root', required: false })
  @ApiQuery({ name: 'includeExpired', required: false, type: Boolean })
  tree(
    @CurrentPrincipal() principal: Principal,
    @Query('root') root?: string,
    @Query('includeExpired') includeExpired?: string,
  ): Promise<UnitNode> {
    return this.units.tree(principal, root, includeExpired === 'true');
  }
}
