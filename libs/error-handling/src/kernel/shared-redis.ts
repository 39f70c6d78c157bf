import type { OnApplicationShutdown } from '@nestjs/common';
import { closeRedis, openRedis, type OwnRedis, type RedisEvalClient, redisReady } from './redis';
import type { ResolvedRedis } from './resolve-redis-options';

/**
 * The top-level `redis` option at run time: the one client every part that shares counts runs
 * its scripts on (injected by the {@link SHARED_REDIS} token, null without the option). A client
 * for `redis.url` is opened when a part first asks for it, once, and closed at shutdown, after
 * the parts' own shutdown work; a client of the application's is used as it is and left open.
 */
export class SharedRedis implements OnApplicationShutdown {
  /** Prepended to every key: each part adds its own segment (`alerts:`, `security:`). */
  readonly keyPrefix: string;
  private own: OwnRedis | undefined;

  constructor(private readonly settings: ResolvedRedis) {
    this.keyPrefix = settings.keyPrefix;
  }

  /** The client: the application's, or the one Faultline opened for `redis.url`. */
  get client(): RedisEvalClient {
    if (this.settings.client) return this.settings.client;
    this.own ??= openRedis(this.settings.url as string, 'redis.url', 'pass redis.client');
    return this.own;
  }

  /**
   * Resolves once the client is connected, rejects with the first connection error (the
   * application's own client is taken as connected).
   */
  ready(): Promise<void> {
    const client = this.client;
    return client === this.own ? redisReady(this.own) : Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    const own = this.own;
    this.own = undefined;
    if (own) await closeRedis(own);
  }
}

/** Injection token of the {@link SharedRedis} (null without the `redis` option). */
export const SHARED_REDIS = 'FAULTLINE:SHARED_REDIS';
