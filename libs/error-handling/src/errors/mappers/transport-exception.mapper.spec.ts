import { RpcException } from '@nestjs/microservices';
import { WsException } from '@nestjs/websockets';
import { GraphQLError } from 'graphql';
import { ExceptionRegistry } from '../exception-registry';
import { BUILT_IN_MAPPERS } from './built-in.mappers';
import { mapTransportException } from './transport-exception.mapper';

// The real classes of the transports (dev dependencies here): the library itself knows them
// only by name, so a copy of the package the application loads is recognised too.
const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

describe('mapTransportException', () => {
  describe.each([
    ['RpcException', (error: string | object) => new RpcException(error)],
    ['WsException', (error: string | object) => new WsException(error)],
  ])('%s', (_name, make) => {
    it('maps a string to 400 BAD_REQUEST with that string as its message', () => {
      expect(mapTransportException(make('priority must be positive'))).toEqual({
        status: 400,
        code: 'BAD_REQUEST',
        message: 'priority must be positive',
      });
    });

    it("keeps an object's status, code and message", () => {
      expect(
        mapTransportException(make({ status: 409, code: 'ALREADY_SENT', message: 'Already sent' })),
      ).toEqual({ status: 409, code: 'ALREADY_SENT', message: 'Already sent' });
    });

    it('reads statusCode where there is no status', () => {
      expect(mapTransportException(make({ statusCode: 403, message: 'Not yours' }))).toEqual({
        status: 403,
        code: 'PERMISSION_DENIED',
        message: 'Not yours',
      });
    });

    it.each([
      [404, 'NOT_FOUND'],
      [418, 'CLIENT_ERROR'],
      [429, 'RATE_LIMITED'],
      [500, 'INTERNAL_ERROR'],
      [503, 'SERVICE_UNAVAILABLE'],
    ])('gives status %i without a code the code %s, as an HttpException of it gets', (status, code) => {
      expect(mapTransportException(make({ status }))).toEqual({ status, code, message: undefined });
    });

    it("takes Nest's own { status: 'error', message } as a 400 with that message", () => {
      expect(mapTransportException(make({ status: 'error', message: 'Bad quota' }))).toEqual({
        status: 400,
        code: 'BAD_REQUEST',
        message: 'Bad quota',
      });
    });

    it.each([[200], [302], [600], ['404'], [404.5], [Number.NaN]])(
      'takes status %p, not an error status, as 400',
      (status) => {
        expect(mapTransportException(make({ status, message: 'x' }))).toMatchObject({
          status: 400,
          code: 'BAD_REQUEST',
        });
      },
    );

    it.each([['lower_case'], ['WITH SPACE'], ['A'.repeat(65)], [42]])(
      'replaces code %p, not UPPER_SNAKE, by the code of the status',
      (code) => {
        expect(mapTransportException(make({ status: 409, code }))).toMatchObject({
          status: 409,
          code: 'CONFLICT',
        });
      },
    );

    it('leaves out a message that is not a string', () => {
      expect(mapTransportException(make({ message: { nested: 'object' } }))).toEqual({
        status: 400,
        code: 'BAD_REQUEST',
        message: undefined,
      });
    });

    it('recognises a subclass', () => {
      class QuotaException extends (make('x').constructor as new (e: string) => Error) {}
      expect(mapTransportException(new QuotaException('Quota reached'))).toEqual({
        status: 400,
        code: 'BAD_REQUEST',
        message: 'Quota reached',
      });
    });
  });

  it('survives a getError() that throws: 400 without a message', () => {
    const error = new RpcException('x');
    Object.defineProperty(error, 'getError', {
      value: () => {
        throw new Error('boom');
      },
    });
    expect(mapTransportException(error)).toEqual({ status: 400, code: 'BAD_REQUEST', message: undefined });
  });

  it('survives a payload whose getters throw: 400 without a message', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    const error = new RpcException('x');
    Object.defineProperty(error, 'getError', { value: () => hostile });
    expect(mapTransportException(error)).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: undefined,
    });
  });

  describe('GraphQLError', () => {
    it.each([
      ['UNAUTHENTICATED', 401],
      ['FORBIDDEN', 403],
      ['BAD_USER_INPUT', 400],
      ['GRAPHQL_VALIDATION_FAILED', 400],
    ])('keeps the meaning of extensions.code %s (%i) and the message', (code, status) => {
      expect(mapTransportException(new GraphQLError('Nope', { extensions: { code } }))).toEqual({
        status,
        code,
        message: 'Nope',
      });
    });

    it('names INTERNAL_SERVER_ERROR as Faultline does: 500 INTERNAL_ERROR', () => {
      expect(
        mapTransportException(new GraphQLError('x', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })),
      ).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    });

    it('gives a code of its own 400, or the http.status beside it', () => {
      expect(
        mapTransportException(new GraphQLError('x', { extensions: { code: 'QUOTA_EXCEEDED' } })),
      ).toMatchObject({ status: 400, code: 'QUOTA_EXCEEDED' });
      expect(
        mapTransportException(
          new GraphQLError('x', { extensions: { code: 'QUOTA_EXCEEDED', http: { status: 429 } } }),
        ),
      ).toMatchObject({ status: 429, code: 'QUOTA_EXCEEDED' });
    });

    it('leaves one without a usable code to the other mappers (500 in the end)', () => {
      expect(mapTransportException(new GraphQLError('x'))).toBeUndefined();
      expect(
        mapTransportException(new GraphQLError('x', { extensions: { code: 'not-a-code' } })),
      ).toBeUndefined();
    });
  });

  it('leaves any other error alone', () => {
    expect(mapTransportException(new Error('RpcException'))).toBeUndefined();
    expect(mapTransportException(new TypeError('x'))).toBeUndefined();
  });

  describe('through the registry', () => {
    it("hides a 5xx RpcException's message by default (expose is left to the status)", () => {
      const mapped = registry.resolve(new RpcException({ status: 500, message: 'db password=hunter2' }));
      expect(mapped).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
      expect(mapped.expose).toBeUndefined();
    });

    it('maps a WsException to a 400 ahead of the catch-all 500', () => {
      expect(registry.resolve(new WsException('Room is full'))).toEqual({
        status: 400,
        code: 'BAD_REQUEST',
        message: 'Room is full',
      });
    });
  });
});
