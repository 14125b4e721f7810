import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { IndicatorUpdate } from '@ioc/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { HistoryQueryDto, ValuesQueryDto } from './dto/values-query.dto';
import { ValuesService } from './values.service';

@ApiTags('values')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('values')
export class ValuesController {
  constructor(private readonly values: ValuesService) {}

  @Get()
  @ApiOperation({ summary: 'Current values of indicators × units (with as-of and source freshness)' })
  current(@CurrentPrincipal() principal: Principal, @Query() query: ValuesQueryDto): Promise<IndicatorUpdate[]> {
    return this.values.current(principal, query);
  }

  @Get('history')
  @ApiOperation({ summary: 'Stored values of one indicator and unit by range and resolution' })
  history(@CurrentPrincipal() principal: Principal, @Query() query: HistoryQueryDto): ReturnType<ValuesService['history']> {
    return this.values.history(principal, query);
  }
}
