import { Injectable } from '@nestjs/common';
import { PrismaService } from '@ioc/persistence';

const REFRESH_MS = 60_000;

/** Codes of the units events may name, from the unit tree; refreshed each minute. */
@Injectable()
export class UnitCodesService {
  private cache: { codes: ReadonlySet<string>; at: number } | undefined;

  constructor(private readonly prisma: PrismaService) {}

  async codes(): Promise<ReadonlySet<string>> {
    if (!this.cache || Date.now() - this.cache.at > REFRESH_MS) {
      const units = await this.prisma.administrativeUnit.findMany({ select: { code: true } });
      this.cache = { codes: new Set(units.map((unit) => unit.code)), at: Date.now() };
    }
    return this.cache.codes;
  }
}
