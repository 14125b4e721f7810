import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Silence } from '@ioc/persistence';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { CreateSilenceDto, UpdateSilenceDto } from './dto/silence.dto';
import { SilencesService } from './silences.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Roles('ADMIN', 'OPERATOR')
@Controller('silences')
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  @Get()
  @ApiOperation({ summary: 'Silences not yet over' })
  list(): Promise<Silence[]> {
    return this.silences.listActive();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<Silence> {
    return this.silences.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a silence / maintenance window (audited)' })
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateSilenceDto): Promise<Silence> {
    return this.silences.create(actor, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a silence, e.g. end it early with endsAt (audited)' })
  update(@CurrentPrincipal() actor: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateSilenceDto): Promise<Silence> {
    return this.silences.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a silence (audited)' })
  remove(@CurrentPrincipal() actor: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.silences.remove(actor, id);
  }
}
