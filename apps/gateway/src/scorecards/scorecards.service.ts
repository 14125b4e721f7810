import { Inject, Injectable } from '@nestjs/common';
import { type RedisClient } from '@ioc/platform';
import { type ResolutionScorecard, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import { scorecardWithin } from '@ioc/indicators';
import { PrismaService } from '@ioc/persistence';
import { REDIS_CLIENT } from '@ioc/queues';
import { inScope, type Principal } from '../auth/principal';
import { GatewayConfig } from '../config/gateway-config';

/** The resolution scorecards the aggregator keeps in Redis, as the caller's scope lets them see them. */
@Injectable()
export class ScorecardsService {
  private readonly key: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly prisma: PrismaService,
    config: GatewayConfig,
  ) {
    this.key = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.Scorecards);
  }

  async list(principal: Principal): Promise<ResolutionScorecard[]> {
    const stored = await this.redis.hgetall(this.key);
    const cards = Object.values(stored)
      .map((json) => JSON.parse(json) as ResolutionScorecard)
      .sort((a, b) => a.resolutionCode.localeCompare(b.resolutionCode));
    return this.within(principal, cards);
  }

  /** The cards restricted to the principal's subtree (the whole card for a province-wide scope). */
  async within(principal: Principal, cards: ResolutionScorecard[]): Promise<ResolutionScorecard[]> {
    const codes = [
      ...new Set(
        cards.flatMap((card) => card.entries.flatMap((e) => [...(e.unitCode ? [e.unitCode] : []), ...e.units.map((u) => u.unitCode)])),
      ),
    ];
    const units = await this.prisma.administrativeUnit.findMany({ where: { code: { in: codes } }, select: { code: true, path: true } });
    const visible = new Set(units.filter((unit) => inScope(principal, unit.path)).map((unit) => unit.code));
    return cards.map((card) => scorecardWithin(card, (code) => visible.has(code)));
  }
}
