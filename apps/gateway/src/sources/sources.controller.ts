import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@ioc/persistence';
import { Roles } from '../auth/auth.decorators';

/** Sources and their health; credentials and cursors never leave the database through here. */
@ApiTags('sources')
@ApiBearerAuth()
@Controller('sources')
export class SourcesController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @Roles('ADMIN', 'OPERATOR', 'LEADER')
  @ApiOperation({ summary: 'Source systems with their health, lag and dead-letter count' })
  list(): Promise<object[]> {
    return this.prisma.source.findMany({
      orderBy: { name: 'asc' },
      select: {
        id: true,
        name: true,
        connectorType: true,
        connectorVersion: true,
        schedule: true,
        enabled: true,
        health: true,
        lastSuccessAt: true,
        lastErrorAt: true,
        lastError: true,
        lagSeconds: true,
        deadLetterCount: true,
      },
    });
  }
}
