import { AppError, ConflictError, NotFoundError } from './app.error';
import type { MappedError } from './exception-mapper.interface';
import { ExceptionRegistry } from './exception-registry';
import { BUILT_IN_MAPPERS } from './mappers/built-in.mappers';

const INTERNAL = { status: 500, code: 'INTERNAL_ERROR' };

class ParentError extends Error {}
class ChildError extends ParentError {}
class GrandChildError extends ChildError {}

describe('ExceptionRegistry', () => {
  describe('resolution order', () => {
    it('uses the mapper of the closest class in the prototype chain', () => {
      const registry = new ExceptionRegistry()
        .register(ParentError, () => ({ status: 400, code: 'PARENT' }))
        .register(ChildError, () => ({ status: 409, code: 'CHILD' }));

      expect(registry.resolve(new ChildError())).toMatchObject({ status: 409, code: 'CHILD' });
      expect(registry.resolve(new GrandChildError())).toMatchObject({ status: 409, code: 'CHILD' });
      expect(registry.resolve(new ParentError())).toMatchObject({ status: 400, code: 'PARENT' });
    });

    it('lets a subclass mapper win regardless of registration order', () => {
      const registry = new ExceptionRegistry()
        .register(ChildError, () => ({ status: 409, code: 'CHILD' }))
        .register(ParentError, () => ({ status: 400, code: 'PARENT' }));

      expect(registry.resolve(new GrandChildError())).toMatchObject({ code: 'CHILD' });
    });

    it('treats a mapper for Error as the catch-all for every error class', () => {
      const registry = new ExceptionRegistry().register(Error, () => ({ status: 502, code: 'BAD_GATEWAY' }));

      expect(registry.resolve(new TypeError('x'))).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
      expect(registry.resolve(new GrandChildError())).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
      expect(registry.resolve(new Error('x'))).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
    });

    it('keeps a built-in subclass mapping even when the user maps Error', () => {
      const registry = new ExceptionRegistry(BUILT_IN_MAPPERS, [
        { type: Error, map: () => ({ status: 502, code: 'BAD_GATEWAY' }) },
      ]);

      expect(registry.resolve(new NotFoundError('Notification', 42))).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
      expect(registry.resolve(new RangeError('x'))).toMatchObject({ status: 502, code: 'BAD_GATEWAY' });
    });

    it('lets a user mapper win over the built-in mapper of the same class', () => {
      const registry = new ExceptionRegistry(BUILT_IN_MAPPERS, [
        { type: AppError, map: () => ({ status: 418, code: 'USER_WINS' }) },
      ]);

      expect(registry.resolve(new AppError('x', 'CONFLICT'))).toEqual({ status: 418, code: 'USER_WINS' });
      expect(registry.resolve(new ConflictError())).toEqual({ status: 418, code: 'USER_WINS' });
    });

    it('lets a mapper added with register() win over the built-in mapper of the same class', () => {
      const registry = new ExceptionRegistry(BUILT_IN_MAPPERS).register(AppError, () => ({
        status: 418,
        code: 'REGISTERED',
      }));

      expect(registry.resolve(new NotFoundError('X'))).toMatchObject({ status: 418, code: 'REGISTERED' });
    });

    it('tries the mapper registered last first when several share a class', () => {
      const registry = new ExceptionRegistry()
        .register(ParentError, () => ({ status: 400, code: 'FIRST' }))
        .register(ParentError, () => ({ status: 409, code: 'SECOND' }));

      expect(registry.resolve(new ParentError())).toMatchObject({ code: 'SECOND' });
    });

    it('falls through to the built-in mapper of the same class when the user mapper returns undefined', () => {
      const seen: unknown[] = [];
      const registry = new ExceptionRegistry(BUILT_IN_MAPPERS).register(AppError, (e) => {
        seen.push(e);
        return undefined;
      });
      const error = new ConflictError('Email already taken');

      expect(registry.resolve(error)).toMatchObject({
        status: 409,
        code: 'CONFLICT',
        message: 'Email already taken',
      });
      expect(seen).toEqual([error]);
    });

    it('defers to the parent class mapper when the subclass mapper returns undefined', () => {
      const registry = new ExceptionRegistry()
        .register(ParentError, () => ({ status: 400, code: 'PARENT' }))
        .register(ChildError, (e) => (e.message === 'mine' ? { status: 409, code: 'CHILD' } : undefined));

      expect(registry.resolve(new ChildError('mine'))).toMatchObject({ code: 'CHILD' });
      expect(registry.resolve(new ChildError('other'))).toMatchObject({ code: 'PARENT' });
    });

    it('treats a null result like undefined and defers', () => {
      const registry = new ExceptionRegistry()
        .register(ParentError, () => ({ status: 400, code: 'PARENT' }))
        .register(ChildError, () => null as unknown as MappedError);

      expect(registry.resolve(new ChildError())).toMatchObject({ code: 'PARENT' });
    });

    it('resolves to 500 INTERNAL_ERROR when every mapper in the chain defers', () => {
      const registry = new ExceptionRegistry()
        .register(Error, () => undefined)
        .register(ChildError, () => undefined);

      expect(registry.resolve(new ChildError())).toMatchObject(INTERNAL);
    });

    it('passes the exception itself to the mapper and binds `this` to the mapper object', () => {
      const mapper = {
        type: ParentError,
        status: 422,
        map(this: { status: number }, e: ParentError): MappedError {
          return { status: this.status, code: 'BOUND', message: e.message };
        },
      };
      const registry = new ExceptionRegistry([], [mapper]);

      expect(registry.resolve(new ParentError('hello'))).toEqual({
        status: 422,
        code: 'BOUND',
        message: 'hello',
      });
    });

    it('resolves to 500 INTERNAL_ERROR for an error no mapper handles', () => {
      expect(new ExceptionRegistry().resolve(new Error('boom'))).toMatchObject(INTERNAL);
      expect(new ExceptionRegistry(BUILT_IN_MAPPERS).resolve(new Error('boom'))).toMatchObject(INTERNAL);
    });

    it('does not expose the message of an unmapped error', () => {
      const mapped = new ExceptionRegistry(BUILT_IN_MAPPERS).resolve(new Error('password=hunter2'));

      expect(mapped).toEqual({ status: 500, code: 'INTERNAL_ERROR', expose: false });
    });
  });

  describe('failing mappers', () => {
    it('moves on to the next mapper at the same class when a user mapper throws', () => {
      const registry = new ExceptionRegistry(BUILT_IN_MAPPERS).register(AppError, () => {
        throw new Error('mapper bug');
      });

      expect(registry.resolve(new NotFoundError('Notification', 1))).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
    });

    it('moves on to the parent class when the only mapper of a class throws', () => {
      const registry = new ExceptionRegistry()
        .register(ParentError, () => ({ status: 400, code: 'PARENT' }))
        .register(ChildError, () => {
          throw new TypeError('cannot read properties of undefined');
        });

      expect(registry.resolve(new ChildError())).toMatchObject({ status: 400, code: 'PARENT' });
    });

    it('resolves to 500 INTERNAL_ERROR without throwing when every mapper throws', () => {
      const registry = new ExceptionRegistry().register(Error, () => {
        throw new Error('mapper bug');
      });

      expect(() => registry.resolve(new Error('x'))).not.toThrow();
      expect(registry.resolve(new Error('x'))).toMatchObject(INTERNAL);
    });

    it('survives a mapper that throws a non-Error value', () => {
      const registry = new ExceptionRegistry().register(Error, () => {
        throw undefined;
      });

      expect(registry.resolve(new Error('x'))).toMatchObject(INTERNAL);
    });

    it('tells onMapperError what each throwing mapper threw and which class it maps, then falls back', () => {
      const bug = new TypeError('mapper bug');
      const registry = new ExceptionRegistry(BUILT_IN_MAPPERS)
        .register(Error, () => {
          throw 'a string';
        })
        .register(AppError, () => {
          throw bug;
        });
      const told: [unknown, unknown][] = [];

      const mapped = registry.resolve(new NotFoundError('Notification', 1), (error, type) =>
        told.push([error, type]),
      );

      expect(mapped).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(told).toEqual([[bug, AppError]]);
      expect(registry.resolve(new Error('x'), (error, type) => told.push([error, type]))).toMatchObject(
        INTERNAL,
      );
      expect(told[1]).toEqual(['a string', Error]);
    });

    it('tells onMapperError nothing when no mapper throws, and survives a handler that throws', () => {
      const registry = new ExceptionRegistry(BUILT_IN_MAPPERS).register(ChildError, () => {
        throw new Error('mapper bug');
      });
      const quiet = jest.fn();
      registry.resolve(new NotFoundError('Notification', 1), quiet);
      expect(quiet).not.toHaveBeenCalled();

      const mapped = registry.resolve(new ChildError('x'), () => {
        throw new Error('handler bug');
      });
      expect(mapped).toMatchObject(INTERNAL);
    });
  });

  describe('values that are not Errors', () => {
    const registry = new ExceptionRegistry(BUILT_IN_MAPPERS, [{ type: Error, map: () => undefined }]);

    it.each([
      ['a string', 'something broke'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['NaN', Number.NaN],
      ['a boolean', false],
      ['a bigint', BigInt(10)],
      ['a Symbol', Symbol('boom')],
      ['a function', () => 'x'],
      ['a class', NotFoundError],
      ['an empty object', {}],
      ['an array', [new NotFoundError('x')]],
      ['an object without prototype', Object.create(null) as object],
      ['an object with statusCode and message', { statusCode: 404, status: 404, message: 'Not here' }],
      ['an object that looks like an AppError', { code: 'NOT_FOUND', status: 404, message: 'x' }],
      ['an object that looks like a body-parser error', { type: 'entity.parse.failed', status: 400 }],
      ['an object that looks like a pg error', { code: '23505', severity: 'ERROR' }],
    ])('resolves %s to 500 INTERNAL_ERROR', (_label, value) => {
      expect(registry.resolve(value)).toMatchObject(INTERNAL);
    });

    it('resolves an object whose getters throw to 500 INTERNAL_ERROR', () => {
      const hostile = new Error('x');
      for (const key of ['type', 'code', 'name', 'status', 'severity', 'syscall']) {
        Object.defineProperty(hostile, key, {
          get() {
            throw new Error(`getter ${key}`);
          },
        });
      }

      expect(() => registry.resolve(hostile)).not.toThrow();
      expect(registry.resolve(hostile)).toMatchObject(INTERNAL);
    });

    it('resolves a Proxy whose traps all throw to 500 INTERNAL_ERROR', () => {
      const trap = () => {
        throw new Error('trap');
      };
      const hostile = new Proxy(new Error('x'), {
        get: trap,
        has: trap,
        getPrototypeOf: trap,
        ownKeys: trap,
        getOwnPropertyDescriptor: trap,
      });

      expect(registry.resolve(hostile)).toMatchObject(INTERNAL);
    });

    it('resolves an Error Proxy whose get trap throws to 500 INTERNAL_ERROR', () => {
      const hostile = new Proxy(Object.assign(new Error('x'), { type: 'entity.parse.failed', status: 400 }), {
        get() {
          throw new Error('trap');
        },
      });

      expect(registry.resolve(hostile)).toMatchObject(INTERNAL);
    });

    it('resolves a revoked Proxy to 500 INTERNAL_ERROR', () => {
      const { proxy, revoke } = Proxy.revocable(new Error('x'), {});
      revoke();

      expect(registry.resolve(proxy)).toMatchObject(INTERNAL);
    });

    it('stops walking a Proxy that reports an endless prototype chain', () => {
      let calls = 0;
      const endless: object = new Proxy(
        {},
        {
          getPrototypeOf() {
            calls++;
            return endless;
          },
        },
      );

      expect(registry.resolve(endless)).toMatchObject(INTERNAL);
      expect(calls).toBeLessThan(1000);
    });

    it('resolves an error with cycles through cause and own properties', () => {
      const error = new Error('loop') as Error & { self?: unknown };
      error.cause = error;
      error.self = { back: error };

      expect(registry.resolve(error)).toMatchObject(INTERNAL);
    });

    it('resolves a NotFoundError with a cyclic cause like any other NotFoundError', () => {
      const cause: Record<string, unknown> = {};
      cause.self = cause;

      expect(registry.resolve(new NotFoundError('X', 1, { cause }))).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
    });
  });

  describe('normalisation of what a mapper returns', () => {
    const resolveWith = (result: object) =>
      new ExceptionRegistry().register(Error, () => result as MappedError).resolve(new Error('x'));

    it('returns a valid mapping unchanged', () => {
      const result: MappedError = {
        status: 422,
        code: 'ORDER_LOCKED',
        message: 'Order is locked',
        expose: true,
        retryAfterSeconds: 3,
        details: { orderId: 7 },
      };

      expect(resolveWith(result)).toEqual(result);
    });

    it.each([
      ['200', 200],
      ['399', 399],
      ['600', 600],
      ['a fractional status', 404.5],
      ['a string status', '404'],
      ['NaN', Number.NaN],
      ['a missing status', undefined],
    ])('turns %s into 500 and derives the code from it when the code is invalid too', (_label, status) => {
      expect(resolveWith({ status: status as number, code: 'not valid' })).toMatchObject(INTERNAL);
    });

    it('keeps a valid code when only the status is invalid', () => {
      expect(resolveWith({ status: 200, code: 'ORDER_LOCKED' })).toMatchObject({
        status: 500,
        code: 'ORDER_LOCKED',
      });
    });

    it.each([
      ['lower case', 'not_found'],
      ['kebab case', 'NOT-FOUND'],
      ['leading digit', '1_NOT_FOUND'],
      ['empty string', ''],
      ['longer than 64 characters', `A${'B'.repeat(64)}`],
      ['a number', 404],
      ['missing', undefined],
    ])('replaces an invalid code (%s) with the code of the status', (_label, code) => {
      expect(resolveWith({ status: 404, code: code as string })).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
    });

    it('uses CLIENT_ERROR for a 4xx status without a code of its own', () => {
      expect(resolveWith({ status: 418, code: 'teapot' })).toMatchObject({
        status: 418,
        code: 'CLIENT_ERROR',
      });
    });

    it('keeps the other members while normalising', () => {
      expect(resolveWith({ status: 700, code: 'x', message: 'kept', retryAfterSeconds: 2 })).toEqual({
        status: 500,
        code: 'INTERNAL_ERROR',
        message: 'kept',
        retryAfterSeconds: 2,
      });
    });

    it('does not mutate the object the mapper returned', () => {
      const result = { status: 200, code: 'bad' };
      resolveWith(result);

      expect(result).toEqual({ status: 200, code: 'bad' });
    });
  });
});

describe('ExceptionRegistry with a mapper whose result is hostile', () => {
  class HostileError extends Error {}

  it('falls through to the next mapper when reading the result throws', () => {
    const registry = new ExceptionRegistry(BUILT_IN_MAPPERS).register(
      HostileError,
      () =>
        Object.defineProperty({ code: 'X' }, 'status', {
          get() {
            throw new Error('getter');
          },
        }) as MappedError,
    );

    expect(registry.resolve(new HostileError('x'))).toMatchObject(INTERNAL);
  });
});
