import { redisKeyTag } from '@ioc/contracts';

/** The connectors' private Redis keys, under the deployment's hash tag (see @ioc/contracts redis-keys). */
export function connectorsRedisKeys(prefix: string) {
  const tag = redisKeyTag(prefix);
  return {
    /** String with a TTL: a signed push already accepted once (replay protection). */
    ingestReplay: (sourceId: string, signatureHex: string) => `${tag}:ingest-replay:${sourceId}:${signatureHex}`,
  };
}
