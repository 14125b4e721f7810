import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  /** The simulator keeps its state in memory: being able to answer is being healthy. */
  @Get()
  check(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
