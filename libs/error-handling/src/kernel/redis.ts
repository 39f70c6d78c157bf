import { type Clock, systemClock } from './clock';
import { loadPeer } from './peer-require';
import { settleWithin } from './settle-within';

/**
 * What Faultline's shared counters (the alert throttle and budget, the security counters) need of a Redis
 * client: `eval`. An ioredis `Redis` (or `Cluster`) instance has it.
 */
export interface RedisEvalClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** What Faultline uses of an ioredis client it opened itself. */
export interface OwnRedis extends RedisEvalClient {
  readonly status: string;
  ping(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

type RedisClass = new (url: string, options: Record<string, unknown>) => OwnRedis;

/**
 * Opens an ioredis client for a `redis://` URL of Faultline's options (`option` names it in the
 * error when ioredis is not installed, `otherwise` says what to do instead). The one way
 * Faultline connects to Redis, for the shared counters and the readiness check alike: no offline
 * queue and no retried commands, so a command fails at once while Redis is away (the throttle
 * falls back, the check reports it) instead of waiting; reconnects go on (every 100 ms, backing
 * off to every second), so both recover as soon as Redis is back. Connection errors are the
 * user's to report, not unhandled `error` events.
 */
export function openRedis(url: string, option: string, otherwise: string, connectTimeoutMs = 1000): OwnRedis {
  const { Redis } = loadPeer<{ Redis: RedisClass }>('ioredis', option, otherwise);
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  });
  client.on('error', () => undefined);
  return client;
}

/** Resolves once `client` is connected, rejects with the first connection error before that. */
export function redisReady(client: OwnRedis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onError = (err: unknown): void => {
      client.off('ready', onReady);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onReady = (): void => {
      client.off('error', onError);
      resolve();
    };
    client.once('ready', onReady);
    client.once('error', onError);
  });
}

/**
 * What the readiness check pings, for a client Faultline opened itself. Until the client's first
 * connection is made, a ping waits for it (or for its first error) instead of failing at once for
 * want of an offline queue: a probe right after start-up does not report Redis down while the
 * connection is still being opened. Pings arriving meanwhile share one wait. Once the client has
 * connected, a ping fails at once while Redis is away.
 */
export function pingWhenFirstConnected(client: OwnRedis): { ping(): Promise<unknown> } {
  let connected = client.status === 'ready';
  if (!connected) client.once('ready', () => (connected = true));
  let waiting: Promise<void> | undefined;
  const firstConnection = (): Promise<void> =>
    (waiting ??= redisReady(client).finally(() => (waiting = undefined)));
  return {
    ping: async () => {
      if (!connected && client.status !== 'ready') await firstConnection();
      return client.ping();
    },
  };
}

/** Closes `client`: `QUIT` when connected, else a disconnect (a client still reconnecting never answers `QUIT`). */
export async function closeRedis(client: OwnRedis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/**
 * Runs one script on `keys` with `args` on `client`, failing (with an Error) when Redis errs or
 * has not answered within `timeoutMs` on `clock`: the caller then counts in-process.
 */
export function evalWithin(
  client: RedisEvalClient,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
  timeoutMs: number,
  clock: Clock = systemClock,
): Promise<unknown> {
  return settleWithin(
    () => client.eval(script, keys.length, ...keys, ...args),
    timeoutMs,
    `Redis did not answer within ${timeoutMs} ms`,
    { clock },
  ).catch((err: unknown) => {
    throw err instanceof Error ? err : new Error(String(err));
  });
}

/** Options of a store that keeps its counts in Redis. */
export interface RedisStoreOptions {
  /** Prepended to every key. @default '' */
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
 * A store whose every operation is one Lua script in Redis (atomic across instances): the alert
 * throttle and budget, the security counters. A call that takes longer than `timeoutMs` fails, so
 * the caller can fall back.
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
    this.keyPrefix = options.keyPrefix ?? '';
    this.timeoutMs = options.timeoutMs ?? 500;
    this.clock = options.clock ?? systemClock;
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
    return evalWithin(
      this.client,
      script,
      keys.map((k) => this.keyPrefix + k),
      args,
      this.timeoutMs,
      this.clock,
    );
  }
}
