import type { MappedError } from '../exception-mapper.interface';
import { MAX_CAUSES, safeGet, safeString } from '../../kernel/safe-access';
import { sqlStateOf } from './sql-state.mapper';

/**
 * A database, cache or service the application needs and cannot reach: the dependency's fault,
 * not a bug. Answered 503 `DEPENDENCY_UNAVAILABLE` (with `Retry-After`), counted by dependency
 * and alerted once per dependency, whatever route or error class it surfaced through.
 */
function unavailable(dependency: string): MappedError {
  return { status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency };
}

/**
 * SQLSTATEs of a PostgreSQL server that cannot serve the connection: class 08 (connection
 * exception), 53300 (too many connections), 57P01-57P03 (admin, crash or cannot-connect-now
 * shutdown), 57P04-57P05 (database dropped, idle session timeout).
 */
function isPostgresUnavailableState(code: string): boolean {
  return code.startsWith('08') || code === '53300' || /^57P0[1-5]$/.test(code);
}

/**
 * The messages `pg` and `pg-pool` give errors of a lost or refused connection, which carry no
 * code: the server or the network went away, or the pool could not hand out a connection in time.
 */
const PG_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

/** Node's errors of a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Well-known ports, to name the dependency of a network error. */
const PORTS: Readonly<Record<number, string>> = {
  5432: 'postgres',
  6379: 'redis',
  3306: 'mysql',
  27017: 'mongodb',
  9200: 'elasticsearch',
  5672: 'rabbitmq',
  4222: 'nats',
  11211: 'memcached',
};

/** ioredis and node-redis errors of a client without a usable connection, by class name. */
const REDIS_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'ClientClosedError',
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'ReconnectStrategyError',
]);

/** ioredis's messages for a command that found no connection. */
const REDIS_MESSAGES = new Set([
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'None of startup nodes is available',
]);

/** Redis replies of a server that cannot serve now (loading, no master, cluster down). */
const REDIS_REPLY = /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN) /;

/**
 * Prisma's error codes for a database it cannot reach: P1001 can't reach, P1002 timed out,
 * P1008 operations timed out, P1017 server closed the connection, P2024 timed out waiting for a
 * connection from the pool.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** One error, without its causes. */
function mapOne(error: unknown): MappedError | undefined {
  const state = sqlStateOf(error);
  if (state !== undefined) return isPostgresUnavailableState(state) ? unavailable('postgres') : undefined;
  const name = safeString(error, 'name');
  const code = safeString(error, 'code');
  const message = safeString(error, 'message');
  if (message !== undefined && PG_MESSAGES.has(message)) return unavailable('postgres');
  if (name !== undefined && REDIS_NAMES.has(name)) return unavailable('redis');
  if (message !== undefined && REDIS_MESSAGES.has(message)) return unavailable('redis');
  if (name === 'ReplyError' && message !== undefined && REDIS_REPLY.test(message))
    return unavailable('redis');
  if (name === 'PrismaClientInitializationError') return unavailable('database');
  if (name === 'PrismaClientKnownRequestError' && code !== undefined && PRISMA_CODES.has(code)) {
    return unavailable('database');
  }
  // TypeORM wraps the driver's error; a lost connection has no SQLSTATE there.
  if (name === 'QueryFailedError') return mapOne(safeGet(error, 'driverError'));
  if (code !== undefined && NETWORK_CODES.has(code)) {
    // Node's system errors have a syscall; its happy-eyeballs connect failure is an
    // AggregateError with `code` and `errors` instead.
    const system = safeString(error, 'syscall') !== undefined || Array.isArray(safeGet(error, 'errors'));
    if (!system) return undefined;
    const port = safeGet(error, 'port');
    return unavailable((typeof port === 'number' && PORTS[port]) || 'network');
  }
  return undefined;
}

/**
 * A dependency that cannot be reached, in any of the forms its drivers give it: Node's network
 * errors, `pg` and `pg-pool`'s lost-connection and pool-timeout errors, PostgreSQL's connection
 * SQLSTATEs, ioredis and node-redis's closed-connection errors and busy replies, Prisma's
 * connection codes, TypeORM's wrapper of any of these; also as the `cause` (up to
 * {@link MAX_CAUSES} deep) of an error the application wrapped it in.
 */
export function mapDependencyError(error: unknown): MappedError | undefined {
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined && current !== null; depth++) {
    const mapped = mapOne(current);
    if (mapped) return mapped;
    current = safeGet(current, 'cause');
  }
  return undefined;
}
