import { type Clock, systemClock } from '../kernel/clock';
import { settleWithin } from '../kernel/settle-within';

/**
 * What the Redis stores need of a Redis client: `eval`. An ioredis `Redis` (or `Cluster`)
 * instance has it.
 */
export interface RedisEvalClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of a store that keeps its counts in Redis. */
export interface RedisStoreOptions {
  /** @default 'faultline:alerts:' */
  keyPrefix?: string;
  /** @default 500 */
  timeoutMs?: number;
  /** Called by `init()`: resolves once the client is connected. */
  onInit?: () => Promise<void>;
  /** Called by `close()`: set when the store opened the client itself. */
  onClose?: () => Promise<void>;
  /** The clock `timeoutMs` runs on (windows run on Redis's own clock). @default systemClock */
  clock?: Clock;
}

/**
 * A store whose every operation is one Lua script in Redis (atomic across instances). A call that
 * takes longer than `timeoutMs` fails, so the caller can fall back.
 */
export abstract class RedisScriptStore {
  protected readonly keyPrefix: string;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly onInit: (() => Promise<void>) | undefined;
  private readonly onClose: (() => Promise<void>) | undefined;

  constructor(
    private readonly client: RedisEvalClient,
    options: RedisStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.keyPrefix = options.keyPrefix ?? 'faultline:alerts:';
    this.timeoutMs = options.timeoutMs ?? 500;
    this.onInit = options.onInit;
    this.onClose = options.onClose;
  }

  async init(): Promise<void> {
    await this.onInit?.();
  }

  async close(): Promise<void> {
    await this.onClose?.();
  }

  /** Runs `script` on `keys` (prefixed) with `args`, within `timeoutMs`. */
  protected run(script: string, keys: readonly string[], ...args: (string | number)[]): Promise<unknown> {
    return settleWithin(
      () => this.client.eval(script, keys.length, ...keys.map((k) => this.keyPrefix + k), ...args),
      this.timeoutMs,
      `Redis did not answer within ${this.timeoutMs} ms`,
      { clock: this.clock },
    ).catch((err: unknown) => {
      throw err instanceof Error ? err : new Error(String(err));
    });
  }
}
