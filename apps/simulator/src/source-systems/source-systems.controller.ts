import {
  Body,
  Controller,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  Put,
  Query,
  Res,
  UnauthorizedException,
  ValidationPipe,
} from '@nestjs/common';
import type { Response } from 'express';
import { FaultRatesDto } from './dto/fault-rates.dto';
import { ListQueryDto } from './dto/list-query.dto';
import {
  SimulatorCore,
  UnknownResourceError,
  isSystemName,
  type FaultRates,
  type GroundTruth,
  type Page,
  type SystemName,
} from './simulator-core';

const validation = new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true });

/**
 * The simulated source systems' APIs: GET /<system>/api/v1/<resource>?updatedSince&page&pageSize
 * with a bearer token, plus the ground truth and fault switches for tests and demos.
 */
@Controller()
export class SourceSystemsController {
  constructor(private readonly core: SimulatorCore) {}

  @Get(':system/api/v1/:resource')
  async list(
    @Param('system') system: string,
    @Param('resource') resource: string,
    @Query(validation) query: ListQueryDto,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Page> {
    const name = this.system(system);
    if (authorization !== `Bearer ${this.core.options.token}`) {
      throw new UnauthorizedException('A valid "Authorization: Bearer <token>" header is required');
    }
    const fault = this.core.decideFault(name);
    if (fault?.kind === 'error') throw new HttpException('Simulated internal error', HttpStatus.INTERNAL_SERVER_ERROR);
    if (fault?.kind === 'rate-limit') {
      response.setHeader('Retry-After', String(fault.retryAfterSeconds));
      throw new HttpException('Too many requests', HttpStatus.TOO_MANY_REQUESTS);
    }
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    try {
      const updatedSince = query.updatedSince === undefined ? undefined : Date.parse(query.updatedSince);
      return this.core.list(name, resource, { updatedSince, page: query.page, pageSize: query.pageSize });
    } catch (error) {
      if (error instanceof UnknownResourceError) throw new NotFoundException(error.message);
      throw error;
    }
  }

  @Get('_ground-truth/:system')
  groundTruth(@Param('system') system: string): GroundTruth {
    return this.core.groundTruth(this.system(system));
  }

  @Put('_control/:system/faults')
  setFaults(@Param('system') system: string, @Body(validation) faults: FaultRatesDto): FaultRates {
    const name = this.system(system);
    this.core.setFaults(name, faults);
    return this.core.faultsOf(name);
  }

  private system(name: string): SystemName {
    if (!isSystemName(name)) throw new NotFoundException(`No simulated system "${name}" (ioffice, dvc, his, edu)`);
    return name;
  }
}
