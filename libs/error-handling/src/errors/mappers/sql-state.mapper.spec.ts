import { ExceptionRegistry } from '../exception-registry';
import { BUILT_IN_MAPPERS } from './built-in.mappers';
import { mapDependencyError } from './dependency.mapper';
import { mapSqlStateError } from './sql-state.mapper';

/** Shaped like `pg`'s DatabaseError: an Error with SQLSTATE `code`, `severity` and context. */
class DatabaseError extends Error {
  severity = 'ERROR';
  code: string;
  detail?: string;
  constraint?: string;
  column?: string;
  table?: string;
  schema?: string;

  constructor(message: string, fields: Partial<DatabaseError> & { code: string }) {
    super(message);
    this.code = fields.code;
    Object.assign(this, fields);
  }
}

function uniqueViolation(constraint?: string): DatabaseError {
  return new DatabaseError('duplicate key value violates unique constraint "users_email_key"', {
    code: '23505',
    detail: 'Key (email)=(ann@example.com) already exists.',
    constraint,
    table: 'users',
    schema: 'public',
  });
}

describe('built-in mapping of PostgreSQL errors (SQLSTATE)', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it('maps a unique violation (23505) to 409 CONFLICT naming the constraint', () => {
    const mapped = registry.resolve(uniqueViolation('users_email_key'));

    expect(mapped).toEqual({
      status: 409,
      code: 'CONFLICT',
      message: 'Unique constraint violated: users_email_key',
      messageKey: 'db.uniqueViolated',
      messageParams: { constraint: 'users_email_key' },
      details: { constraint: 'users_email_key' },
    });
  });

  it('never shows the driver message, the detail, the value or the table of a unique violation', () => {
    const text = JSON.stringify(registry.resolve(uniqueViolation('users_email_key')));

    expect(text).not.toContain('ann@example.com');
    expect(text).not.toContain('Key (email)');
    expect(text).not.toContain('duplicate key value');
    expect(text).not.toContain('public');
  });

  it('maps a unique violation without a constraint name to a generic 409 message', () => {
    expect(registry.resolve(uniqueViolation())).toEqual({
      status: 409,
      code: 'CONFLICT',
      message: 'A record with the same unique value already exists',
      messageKey: 'db.duplicate',
      details: undefined,
    });
  });

  it('maps a foreign key violation (23503) to 409 CONFLICT naming the constraint', () => {
    const error = new DatabaseError('insert or update on table "orders" violates foreign key constraint', {
      code: '23503',
      constraint: 'orders_user_id_fkey',
      detail: 'Key (user_id)=(999) is not present in table "users".',
    });
    const mapped = registry.resolve(error);

    expect(mapped).toEqual({
      status: 409,
      code: 'CONFLICT',
      message: 'Foreign key constraint violated: orders_user_id_fkey',
      messageKey: 'db.foreignKeyViolated',
      messageParams: { constraint: 'orders_user_id_fkey' },
      details: { constraint: 'orders_user_id_fkey' },
    });
    expect(JSON.stringify(mapped)).not.toContain('999');
  });

  it('maps a foreign key violation without a constraint to a generic message', () => {
    expect(registry.resolve(new DatabaseError('x', { code: '23503' }))).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      message: 'A referenced record does not exist',
    });
  });

  it('does not show a constraint name that is not a plain identifier', () => {
    const mapped = registry.resolve(uniqueViolation('users_email_key" OR 1=1; --'));

    expect(mapped).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(mapped.details).toBeUndefined();
    expect(mapped.message).toBe('A record with the same unique value already exists');
  });

  it('maps a not-null violation (23502) to 400 VALIDATION_ERROR naming the column', () => {
    const error = new DatabaseError('null value in column "title" violates not-null constraint', {
      code: '23502',
      column: 'title',
      detail: 'Failing row contains (1, null, secret-value).',
    });
    const mapped = registry.resolve(error);

    expect(mapped).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'A required value is missing: title',
      messageKey: 'db.columnMissing',
      messageParams: { column: 'title' },
    });
    expect(JSON.stringify(mapped)).not.toContain('secret-value');
  });

  it('maps a not-null violation without a column to a generic message', () => {
    expect(registry.resolve(new DatabaseError('x', { code: '23502' }))).toMatchObject({
      status: 400,
      message: 'A required value is missing',
    });
  });

  it('maps an invalid text representation (22P02) to 400 VALIDATION_ERROR without the value', () => {
    const error = new DatabaseError('invalid input syntax for type uuid: "not-a-uuid"', { code: '22P02' });
    const mapped = registry.resolve(error);

    expect(mapped).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'A value has the wrong format',
      messageKey: 'db.wrongFormat',
    });
  });

  it('maps a check violation (23514) to 400 VALIDATION_ERROR naming the constraint', () => {
    const error = new DatabaseError('new row violates check constraint', {
      code: '23514',
      constraint: 'orders_quantity_check',
    });

    expect(registry.resolve(error)).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'Check constraint violated: orders_quantity_check',
      messageKey: 'db.checkViolated',
      messageParams: { constraint: 'orders_quantity_check' },
      details: { constraint: 'orders_quantity_check' },
    });
    expect(registry.resolve(new DatabaseError('x', { code: '23514' })).message).toBe(
      'A value breaks a check constraint',
    );
  });

  it.each([
    ['serialization failure', '40001'],
    ['deadlock', '40P01'],
  ])('maps a %s (%s) to 503 RETRYABLE with a short Retry-After', (_label, code) => {
    expect(registry.resolve(new DatabaseError('x', { code }))).toEqual({
      status: 503,
      code: 'RETRYABLE',
      retryAfterSeconds: 1,
    });
  });

  it.each([
    ['connection failure', '08006'],
    ['connection exception', '08000'],
    ['connection does not exist', '08003'],
    ['admin shutdown', '57P01'],
    ['crash shutdown', '57P02'],
    ['cannot connect now', '57P03'],
    ['too many connections', '53300'],
  ])('maps a %s (%s) to 503 DEPENDENCY_UNAVAILABLE of postgres, without a message', (_label, code) => {
    expect(
      registry.resolve(new DatabaseError('terminating connection due to administrator command', { code })),
    ).toEqual({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'postgres' });
  });

  it.each([
    ['query canceled', '57014'],
    ['undefined table', '42P01'],
    ['syntax error', '42601'],
  ])('leaves a %s (%s) to the 500 catch-all', (_label, code) => {
    expect(registry.resolve(new DatabaseError('relation "secret_table" does not exist', { code }))).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      expose: false,
    });
  });

  it('recognises a PGlite-style error by code and severity whatever its class name', () => {
    class e extends Error {}
    const error = Object.assign(new e('duplicate key'), {
      code: '23505',
      severity: 'ERROR',
      constraint: 'k',
    });

    expect(registry.resolve(error)).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('maps a plain object with code and severity when asked directly', () => {
    expect(
      mapSqlStateError({ code: '23505', severity: 'ERROR', constraint: 'users_email_key' }),
    ).toMatchObject({
      status: 409,
      code: 'CONFLICT',
    });
  });

  it('does not treat a 5-letter code without severity as SQLSTATE', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
    const sqlLike = Object.assign(new Error('x'), { code: '23505' });

    expect(mapSqlStateError(epipe)).toBeUndefined();
    expect(mapSqlStateError(sqlLike)).toBeUndefined();
    expect(registry.resolve(epipe)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(registry.resolve(sqlLike)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it.each([
    ['a lower-case code', '2350a'],
    ['a 4-character code', '2350'],
    ['a 6-character code', '235050'],
    ['a numeric code', 23505],
  ])('ignores %s', (_label, code) => {
    expect(mapSqlStateError({ code, severity: 'ERROR' })).toBeUndefined();
  });

  it('survives a driver error whose getters throw', () => {
    const hostile = Object.defineProperty(new DatabaseError('x', { code: '23505' }), 'constraint', {
      get() {
        throw new Error('getter');
      },
    });

    expect(registry.resolve(hostile)).toMatchObject({
      status: 409,
      message: 'A record with the same unique value already exists',
    });
  });
});

describe('built-in mapping of SQLSTATE class 22 (data exceptions)', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it.each([
    ['22001', 'value too long for type character varying(120)', 'A value is too long'],
    ['22003', 'value "99999999999" is out of range for type integer', 'A number is out of range'],
    [
      '22007',
      'invalid input syntax for type timestamp with time zone: "2024-01-01Tjunk"',
      'A date or time has the wrong format',
    ],
    ['22008', 'date/time field value out of range: "2024-02-30"', 'A date or time is out of range'],
    [
      '22009',
      'time zone displacement out of range: "2024-01-01 00:00+99"',
      'A time zone offset is out of range',
    ],
    ['22015', 'interval field value out of range: "999999999 years"', 'A time interval is out of range'],
    ['22018', 'invalid character value for cast', 'A value cannot be converted to its type'],
    [
      '22021',
      'invalid byte sequence for encoding "UTF8": 0x00',
      'A text value has bytes that are not valid in its encoding',
    ],
    ['22026', 'bit string length 3 does not match type bit(4)', 'A value has the wrong length'],
    ['22P02', 'invalid input syntax for type integer: "abc"', 'A value has the wrong format'],
    ['22P03', 'incorrect binary data format in bind parameter 1', 'A binary value has the wrong format'],
    [
      '22P05',
      'unsupported Unicode escape sequence',
      'A text value has a character the database cannot store',
    ],
    ['2200M', 'invalid XML document', 'An XML value is not a valid document'],
    ['2200N', 'invalid XML content', 'An XML value is not valid XML content'],
  ])(
    'maps %s, a value the client sent, to 400 VALIDATION_ERROR with a fixed detail',
    (code, message, detail) => {
      const error = new DatabaseError(message, { code, detail: 'Key (id)=(99999999999)', column: 'id' });
      const mapped = registry.resolve(error);

      expect(mapped).toEqual({
        status: 400,
        code: 'VALIDATION_ERROR',
        message: detail,
        messageKey: expect.stringMatching(/^db\./),
      });
      expect(JSON.stringify(mapped)).not.toMatch(/99999999999|2024|junk|character varying|0x00|UTF8/);
    },
  );

  it.each([
    ['division by zero', '22012'],
    ['a generic data exception', '22000'],
    ['an invalid parameter value', '22023'],
    ['an invalid argument for a logarithm', '2201E'],
    ['an invalid argument for power', '2201F'],
    ['a negative LIMIT', '2201W'],
    ['a negative OFFSET', '2201X'],
    ['an invalid LIKE escape sequence', '22025'],
    ['an invalid regular expression', '2201B'],
    ['an exhausted sequence', '2200H'],
    ['a floating point exception', '22P01'],
    ['an array subscript error', '2202E'],
    ['a null value not allowed', '22004'],
    ['a missing SQL/JSON item', '22035'],
  ])("leaves %s (%s), raised by the application's own SQL, to the 500 catch-all", (_label, code) => {
    expect(registry.resolve(new DatabaseError('division by zero in "SELECT total / $1"', { code }))).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      expose: false,
    });
  });

  it('maps a PGlite-style out-of-range error (any class name) by its code', () => {
    class a extends Error {}
    const error = Object.assign(new a('value "99999999999" is out of range for type integer'), {
      code: '22003',
      severity: 'ERROR',
    });

    expect(registry.resolve(error)).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'A number is out of range',
      messageKey: 'db.numberOutOfRange',
    });
  });

  it('needs a severity besides a class 22 code', () => {
    expect(mapSqlStateError(Object.assign(new Error('x'), { code: '22003' }))).toBeUndefined();
  });
});

describe('built-in mapping of Node network errors', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  function networkError(code: string, syscall: string | undefined = 'connect'): Error {
    return Object.assign(new Error(`${syscall} ${code} 10.0.0.5:5432`), {
      errno: -111,
      code,
      syscall,
      address: '10.0.0.5',
      port: 5432,
    });
  }

  it('maps ECONNREFUSED on connect to 503 DEPENDENCY_UNAVAILABLE without the address', () => {
    const mapped = registry.resolve(networkError('ECONNREFUSED'));

    expect(mapped).toEqual({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'postgres' });
    expect(JSON.stringify(mapped)).not.toContain('10.0.0.5');
  });

  it.each([
    ['ECONNRESET', 'read'],
    ['ETIMEDOUT', 'connect'],
    ['EHOSTUNREACH', 'connect'],
    ['ENETUNREACH', 'connect'],
    ['ENOTFOUND', 'getaddrinfo'],
    ['EAI_AGAIN', 'getaddrinfo'],
  ])('maps %s from %s to 503 DEPENDENCY_UNAVAILABLE', (code, syscall) => {
    expect(registry.resolve(networkError(code, syscall))).toEqual({
      status: 503,
      code: 'DEPENDENCY_UNAVAILABLE',
      dependency: 'postgres',
    });
  });

  it("maps Node 20's happy-eyeballs AggregateError (a code and no syscall) to 503", () => {
    const both = Object.assign(new AggregateError([networkError('ECONNREFUSED')], ''), {
      code: 'ECONNREFUSED',
    });

    expect(registry.resolve(both)).toEqual({
      status: 503,
      code: 'DEPENDENCY_UNAVAILABLE',
      dependency: 'network',
    });
  });

  it('requires a syscall to treat a code as a network error', () => {
    const noSyscall = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });

    expect(mapDependencyError(noSyscall)).toBeUndefined();
    expect(registry.resolve(noSyscall)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('leaves other system errors to the 500 catch-all', () => {
    expect(registry.resolve(networkError('EACCES', 'open'))).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
    });
    expect(registry.resolve(networkError('EPIPE', 'write'))).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
    });
  });
});
