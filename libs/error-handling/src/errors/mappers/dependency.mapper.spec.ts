import { AppError } from '../app.error';
import { ExceptionRegistry } from '../exception-registry';
import { BUILT_IN_MAPPERS } from './built-in.mappers';
import { mapDependencyError } from './dependency.mapper';

const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);
const of = (dependency: string) => ({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency });

/** An error of class `name` (as libraries name theirs), with `fields`. */
function named(name: string, message: string, fields: Record<string, unknown> = {}): Error {
  const error = Object.assign(new Error(message), fields);
  Object.defineProperty(error, 'name', { value: name });
  return error;
}

describe('mapDependencyError', () => {
  it.each([
    ['Connection terminated unexpectedly'],
    ['Connection terminated'],
    ['Connection terminated due to connection timeout'],
    ['timeout exceeded when trying to connect'],
    ['Client has encountered a connection error and is not queryable'],
    ['Client was closed and is not queryable'],
  ])('maps pg / pg-pool "%s" to postgres', (message) => {
    expect(registry.resolve(new Error(message))).toEqual(of('postgres'));
  });

  it('does not take a message that merely contains those words', () => {
    expect(mapDependencyError(new Error('Connection terminated unexpectedly by user 42'))).toBeUndefined();
  });

  it.each([
    ['MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 20).'],
    ['ClusterAllFailedError', 'Failed to refresh slots cache.'],
    ['ClientClosedError', 'The client is closed'],
    ['ConnectionTimeoutError', 'Connection timeout'],
    ['SocketClosedUnexpectedlyError', 'Socket closed unexpectedly'],
    ['ReconnectStrategyError', 'Reconnect strategy gave up'],
  ])('maps ioredis / node-redis %s to redis', (name, message) => {
    expect(registry.resolve(named(name, message))).toEqual(of('redis'));
  });

  it.each([['Connection is closed.'], ["Stream isn't writeable and enableOfflineQueue options is false"]])(
    'maps ioredis "%s" to redis',
    (message) => {
      expect(registry.resolve(new Error(message))).toEqual(of('redis'));
    },
  );

  it('maps a Redis that is loading or has no master, not other replies', () => {
    expect(registry.resolve(named('ReplyError', 'LOADING Redis is loading the dataset in memory'))).toEqual(
      of('redis'),
    );
    expect(registry.resolve(named('ReplyError', 'MASTERDOWN Link with MASTER is down'))).toEqual(of('redis'));
    expect(mapDependencyError(named('ReplyError', 'WRONGTYPE Operation against a key'))).toBeUndefined();
  });

  it.each(['P1001', 'P1002', 'P1008', 'P1017', 'P2024'])('maps Prisma %s to database', (code) => {
    expect(registry.resolve(named('PrismaClientKnownRequestError', 'x', { code }))).toEqual(of('database'));
  });

  it('leaves other Prisma codes to the Prisma mapper', () => {
    expect(
      mapDependencyError(named('PrismaClientKnownRequestError', 'x', { code: 'P2025' })),
    ).toBeUndefined();
    expect(registry.resolve(named('PrismaClientKnownRequestError', 'x', { code: 'P2025' }))).toMatchObject({
      status: 404,
    });
  });

  it("maps TypeORM's QueryFailedError by the driver error it wraps", () => {
    const lost = named('QueryFailedError', 'select 1', {
      driverError: new Error('Connection terminated unexpectedly'),
    });
    expect(registry.resolve(lost)).toEqual(of('postgres'));
    const unique = named('QueryFailedError', 'insert', {
      driverError: Object.assign(new Error('dup'), { code: '23505', severity: 'ERROR' }),
    });
    expect(registry.resolve(unique)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('names the dependency of a network error by its port, else network', () => {
    const refused = (port: number) =>
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect', port });
    expect(mapDependencyError(refused(5432))).toEqual(of('postgres'));
    expect(mapDependencyError(refused(6379))).toEqual(of('redis'));
    expect(mapDependencyError(refused(8443))).toEqual(of('network'));
  });

  it('looks through causes, but not past MAX_CAUSES, and survives a cycle', () => {
    let error: Error = new Error('Connection terminated unexpectedly');
    for (let i = 0; i < 8; i++) error = new Error(`layer ${i}`, { cause: error });
    expect(mapDependencyError(error)).toEqual(of('postgres'));
    const deeper = new Error('one more', { cause: error });
    expect(mapDependencyError(deeper)).toBeUndefined();
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(mapDependencyError(a)).toBeUndefined();
  });

  it('leaves an AppError the application raised to the AppError mapper, whatever its cause', () => {
    const error = new AppError('Quota exceeded', 'QUOTA_EXCEEDED', {
      status: 429,
      cause: new Error('Connection terminated unexpectedly'),
    });
    expect(registry.resolve(error)).toMatchObject({ status: 429, code: 'QUOTA_EXCEEDED' });
  });

  it('reads hostile objects without throwing', () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('trap');
      },
    });
    expect(mapDependencyError(hostile)).toBeUndefined();
  });
});
