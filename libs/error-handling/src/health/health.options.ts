import type { EndpointGuard } from '../kernel/ops-endpoint';
import type { HealthIndicatorFunction } from './health-check.types';

/** Anything that runs `SELECT 1`: a `pg` `Pool` or `Client`, or a PGlite instance. */
export interface SqlPingable {
  query(text: string): Promise<unknown>;
}

/** Anything that answers `PING`: an ioredis client (or cluster), node-redis v4+. */
export interface RedisPingable {
  ping(): Promise<unknown>;
}

/** The database readiness check (`database` in the probe body). */
export interface DatabaseCheckOptions {
  /** Runs `SELECT 1` on it. */
  executor?: SqlPingable;
  /**
   * Pings the application's TypeORM data source (the default one of `TypeOrmModule.forRoot()`),
   * found when the module starts.
   */
  typeorm?: boolean;
  /** @default the `timeoutMs` of the health options */
  timeoutMs?: number;
}

/** The Redis readiness check (`redis` in the probe body): a client of yours, or a URL. */
export interface RedisCheckOptions {
  /** A connected client; never closed by Faultline. */
  client?: RedisPingable;
  /** `redis://` or `rediss://` URL; Faultline opens its own ioredis client and closes it at shutdown. */
  url?: string;
  /** @default the `timeoutMs` of the health options */
  timeoutMs?: number;
}

/**
 * Options of the probes: `GET /health` (liveness: 200 while the process serves) and
 * `GET /ready` (readiness: the configured checks; 503 when one fails, before start-up has
 * finished, and from the moment shutdown begins).
 *
 * @example
 * ErrorHandlingModule.forRoot({
 *   health: {
 *     database: { executor: pool },
 *     redis: { url: process.env.REDIS_URL },
 *     memoryHeap: { maxBytes: 512 * 1024 * 1024 },
 *     eventLoopLag: { maxMs: 200 },
 *     shutdownGraceMs: 20_000,
 *   },
 * });
 */
export interface HealthOptions {
  /** @default '/health' */
  livenessPath?: string;
  /** @default '/ready' */
  readinessPath?: string;
  /**
   * Serves the probes under the application's global prefix (`app.setGlobalPrefix('api')`:
   * `/api/health`, `/api/ready`), unless `setGlobalPrefix`'s `exclude` names their path. Not
   * with the probes on the management server, which has no prefix.
   * @default false
   */
  useGlobalPrefix?: boolean;
  /**
   * Runs before both probes; anything but `true` answers 403. It gets Node's request. Keep it
   * cheap (a header, an address): the liveness probe runs it too, and a slow or failing
   * liveness probe restarts the pod. Kubernetes probes can send headers (`httpGet.httpHeaders`).
   * @default none (every request is answered)
   * @example (req) => req.headers['x-probe-key'] === process.env.PROBE_KEY
   */
  guard?: EndpointGuard;
  /**
   * A database check. By default the audit SQL store is checked when `audit.sql` is set;
   * `false` turns that off.
   * @default the audit SQL store, if any
   * @example { executor: pool }
   */
  database?: false | DatabaseCheckOptions;
  /** @default none @example { url: 'redis://127.0.0.1:6379' } */
  redis?: RedisCheckOptions;
  /** Fails when the V8 heap in use exceeds `maxBytes`. @default none */
  memoryHeap?: { maxBytes: number };
  /** Fails when the disk holding `path` is fuller than `thresholdPercent` (0-1). @default none */
  disk?: { path?: string; thresholdPercent: number };
  /** Fails when the event loop's delay (p99 over the last 10 s) exceeds `maxMs`. @default none */
  eventLoopLag?: { maxMs: number };
  /**
   * More checks run by `/ready`: functions answering a `HealthIndicatorResult`, Terminus
   * indicator functions included (`() => http.pingCheck('billing', url)`).
   * @default []
   */
  indicators?: HealthIndicatorFunction[];
  /**
   * Time a check may take before it counts as down.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * On shutdown (see `enableGracefulShutdown`), how long in-flight requests may take to finish
   * while `/ready` answers 503 and the server keeps serving.
   * @default 10000
   */
  shutdownGraceMs?: number;
}
