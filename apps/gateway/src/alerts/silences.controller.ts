import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { CreateSilenceDto, UpdateSilenceDto } from './dto/silence.dto';
import { type SilenceView, SilencesService } from './silences.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Roles('ADMIN', 'OPERATOR')
@Controller('silences')
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  @Get()
  @ApiOperation({ summary: "Silences not yet over, of units in the caller's subtree" })
  list(@CurrentPrincipal() principal: Principal): Promise<SilenceView[]> {
    return this.silences.listActive(principal);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SilenceView> {
    return this.silences.get(principal, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a silence / maintenance window (audited)' })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateSilenceDto): Promise<SilenceView> {
    return this.silences.create(actor, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a silence, e.g. end it early with endsAt (audited)' })
  update(
    @CurrentPrincipal() actor: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateSilenceDto,
  ): Promise<SilenceView> {
    return this.silences.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a silence (audited)' })
  remove(@CurrentPrincipal() actor: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.silences.remove(actor, id);
  }
}
