import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { StreamTail } from '@ioc/platform';
import { redisTopologyOf } from '@ioc/config';
import { type ResolutionScorecard, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import type { Principal } from '../auth/principal';
import { GatewayConfig } from '../config/gateway-config';
import { ScorecardsService } from '../scorecards/scorecards.service';
import type { LiveNamespace } from './live-socket';
import { entryPayload } from './stream-entries';

/** Follows the aggregator's scorecard-updates stream and pushes each changed scorecard to this process's sockets, cut to each one's scope. */
@Injectable()
export class ScorecardFanoutService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScorecardFanoutService.name);
  private readonly reader: StreamTail;
  private namespace?: LiveNamespace;

  constructor(
    config: GatewayConfig,
    private readonly scorecards: ScorecardsService,
  ) {
    const key = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.ScorecardUpdates);
    this.reader = new StreamTail(redisTopologyOf(config), key, this.logger, (entries) => {
      const cards = entries.flatMap((entry) => entryPayload(SharedRedisKey.ScorecardUpdates, entry, key, this.logger) ?? []);
      if (cards.length > 0) this.fanOut(cards).catch((error: unknown) => this.logger.error(`Scorecard fan-out failed: ${String(error)}`));
    });
  }

  bind(namespace: LiveNamespace): void {
    this.namespace = namespace;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.reader.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.reader.stop();
  }

  private async fanOut(cards: ResolutionScorecard[]): Promise<void> {
    if (!this.namespace) return;
    // One cut per scope, however many sockets share it.
    const byScope = new Map<string, Promise<ResolutionScorecard[]>>();
    for (const socket of this.namespace.sockets.values()) {
      const principal: Principal | null = await socket.data.ready;
      if (!principal || !socket.connected) continue;
      let cut = byScope.get(principal.unitPath);
      if (!cut) byScope.set(principal.unitPath, (cut = this.scorecards.within(principal, cards)));
      for (const card of await cut) socket.emit('scorecard', card);
    }
  }
}
