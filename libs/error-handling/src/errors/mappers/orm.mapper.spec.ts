import { ExceptionRegistry } from '../exception-registry';
import { BUILT_IN_MAPPERS } from './built-in.mappers';
import { mapPrismaError, mapTypeOrmError } from './orm.mapper';

/** Shaped like TypeORM's errors: recognised by `name` only. */
class EntityNotFoundError extends Error {
  override name = 'EntityNotFoundError';
}
class QueryFailedError extends Error {
  override name = 'QueryFailedError';
  constructor(
    readonly query: string,
    readonly parameters: unknown[],
    readonly driverError: unknown,
  ) {
    super('duplicate key value violates unique constraint "users_email_key"');
  }
}

/** Shaped like Prisma's errors: `name` plus a `P....` code. */
class PrismaClientKnownRequestError extends Error {
  override name = 'PrismaClientKnownRequestError';
  constructor(
    message: string,
    readonly code: string,
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
class PrismaClientInitializationError extends Error {
  override name = 'PrismaClientInitializationError';
}

describe('built-in mapping of TypeORM errors', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it('maps EntityNotFoundError to 404 NOT_FOUND without its criteria', () => {
    const error = new EntityNotFoundError(
      'Could not find any entity of type "User" matching: {"email":"ann@x.io"}',
    );
    const mapped = registry.resolve(error);

    expect(mapped).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'The requested resource was not found',
      messageKey: 'db.notFound',
    });
    expect(JSON.stringify(mapped)).not.toContain('ann@x.io');
  });

  it('maps QueryFailedError with a unique-violation driver error to 409 CONFLICT without SQL', () => {
    const driverError = Object.assign(new Error('duplicate key'), {
      code: '23505',
      severity: 'ERROR',
      constraint: 'users_email_key',
      detail: 'Key (email)=(ann@x.io) already exists.',
    });
    const error = new QueryFailedError('INSERT INTO "users"("email") VALUES ($1)', ['ann@x.io'], driverError);
    const mapped = registry.resolve(error);

    expect(mapped).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      details: { constraint: 'users_email_key' },
    });
    expect(JSON.stringify(mapped)).not.toContain('INSERT');
    expect(JSON.stringify(mapped)).not.toContain('ann@x.io');
  });

  it('maps QueryFailedError by its driver error for other SQLSTATEs', () => {
    const deadlock = new QueryFailedError('UPDATE ...', [], { code: '40P01', severity: 'ERROR' });

    expect(registry.resolve(deadlock)).toMatchObject({ status: 503, code: 'RETRYABLE' });
  });

  it('maps QueryFailedError with an out-of-range driver error (22003) to 400 without SQL or values', () => {
    const driverError = Object.assign(new Error('value "99999999999" is out of range for type integer'), {
      code: '22003',
      severity: 'ERROR',
    });
    const error = new QueryFailedError('SELECT * FROM "n" WHERE "id" = $1', [99999999999], driverError);
    const mapped = registry.resolve(error);

    expect(mapped).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'A number is out of range',
      messageKey: 'db.numberOutOfRange',
    });
    expect(JSON.stringify(mapped)).not.toMatch(/SELECT|99999999999/);
  });

  it('leaves QueryFailedError with a division by zero (22012) to the 500 catch-all', () => {
    const error = new QueryFailedError('SELECT 1 / 0', [], { code: '22012', severity: 'ERROR' });

    expect(registry.resolve(error)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('leaves a QueryFailedError from a non-PostgreSQL driver to the 500 catch-all', () => {
    const mysql = new QueryFailedError('INSERT ...', [], { code: 'ER_DUP_ENTRY', errno: 1062 });

    expect(registry.resolve(mysql)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(mapTypeOrmError(new QueryFailedError('x', [], undefined))).toBeUndefined();
  });

  it('ignores errors with other names', () => {
    expect(mapTypeOrmError(new Error('EntityNotFoundError'))).toBeUndefined();
    expect(mapTypeOrmError({ name: 'SomethingElse' })).toBeUndefined();
  });
});

describe('built-in mapping of Prisma errors', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it('maps P2025 to 404 NOT_FOUND', () => {
    const error = new PrismaClientKnownRequestError(
      'An operation failed because it depends on records',
      'P2025',
    );

    expect(registry.resolve(error)).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'The requested resource was not found',
      messageKey: 'db.notFound',
    });
  });

  it('maps P2002 to 409 CONFLICT without the query text', () => {
    const error = new PrismaClientKnownRequestError(
      'Invalid `prisma.user.create()` invocation: Unique constraint failed on the fields: (`email`)',
      'P2002',
      { target: ['email'] },
    );
    const mapped = registry.resolve(error);

    expect(mapped).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(mapped.message).not.toContain('prisma.user.create');
  });

  it('maps P2003 to 409 CONFLICT', () => {
    expect(registry.resolve(new PrismaClientKnownRequestError('fk', 'P2003'))).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      message: 'A referenced record does not exist',
    });
  });

  it('leaves other Prisma codes to the 500 catch-all', () => {
    expect(registry.resolve(new PrismaClientKnownRequestError('x', 'P2000'))).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
    });
    expect(mapPrismaError(new PrismaClientKnownRequestError('x', 'toString'))).toBeUndefined();
  });

  it('maps an engine that cannot reach its database to 503 DEPENDENCY_UNAVAILABLE', () => {
    expect(registry.resolve(new PrismaClientInitializationError("Can't reach database server"))).toEqual({
      status: 503,
      code: 'DEPENDENCY_UNAVAILABLE',
      dependency: 'database',
    });
  });

  it('needs the Prisma name, not just a P code', () => {
    const lookalike = Object.assign(new Error('x'), { code: 'P2025' });

    expect(mapPrismaError(lookalike)).toBeUndefined();
    expect(registry.resolve(lookalike)).toMatchObject({ status: 500 });
  });
});
