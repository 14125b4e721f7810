import { redisKeyTag } from '@ioc/contracts';

/** The gateways' private Redis keys, under the deployment's hash tag (see @ioc/contracts redis-keys). */
export function gatewayRedisKeys(prefix: string) {
  const tag = redisKeyTag(prefix);
  return {
    /** The socket.io Redis Streams adapter's stream (and its session keys' prefix) between gateway processes. */
    socketIo: `${tag}:socket.io`,
  };
}
