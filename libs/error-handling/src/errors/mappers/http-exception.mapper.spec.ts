import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  ForbiddenException,
  GatewayTimeoutException,
  GoneException,
  HttpException,
  HttpStatus,
  ImATeapotException,
  InternalServerErrorException,
  MethodNotAllowedException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnprocessableEntityException,
  ParseIntPipe,
  ParseUUIDPipe,
  ValidationPipe,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';
import { ExceptionRegistry } from '../exception-registry';
import { BUILT_IN_MAPPERS } from './built-in.mappers';
import { httpExceptionMapper } from './http-exception.mapper';

class ItemDto {
  @IsString()
  name!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class OrderDto {
  @IsNotEmpty()
  title!: string;

  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

/** Runs Nest's own ValidationPipe and returns the exception it throws. */
async function nestValidationFailure(body: unknown, pipe = new ValidationPipe()): Promise<HttpException> {
  try {
    await pipe.transform(body, { type: 'body', metatype: OrderDto });
  } catch (error) {
    return error as HttpException;
  }
  throw new Error('expected the ValidationPipe to reject the body');
}

describe('built-in mapping of Nest HttpException', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it.each([
    ['BadRequestException', new BadRequestException(), 400, 'BAD_REQUEST'],
    ['UnauthorizedException', new UnauthorizedException(), 401, 'UNAUTHENTICATED'],
    ['ForbiddenException', new ForbiddenException(), 403, 'PERMISSION_DENIED'],
    ['NotFoundException', new NotFoundException(), 404, 'NOT_FOUND'],
    ['MethodNotAllowedException', new MethodNotAllowedException(), 405, 'METHOD_NOT_ALLOWED'],
    ['ConflictException', new ConflictException(), 409, 'CONFLICT'],
    ['GoneException', new GoneException(), 410, 'GONE'],
    ['PayloadTooLargeException', new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    ['ImATeapotException', new ImATeapotException(), 418, 'CLIENT_ERROR'],
    ['UnprocessableEntityException', new UnprocessableEntityException(), 422, 'UNPROCESSABLE_ENTITY'],
    ['InternalServerErrorException', new InternalServerErrorException(), 500, 'INTERNAL_ERROR'],
    ['BadGatewayException', new BadGatewayException(), 502, 'BAD_GATEWAY'],
    ['ServiceUnavailableException', new ServiceUnavailableException(), 503, 'SERVICE_UNAVAILABLE'],
    ['GatewayTimeoutException', new GatewayTimeoutException(), 504, 'GATEWAY_TIMEOUT'],
  ])('maps %s to %i %s', (_name, exception, status, code) => {
    expect(registry.resolve(exception)).toMatchObject({ status, code });
  });

  it('keeps the message given to a NotFoundException', () => {
    expect(registry.resolve(new NotFoundException('Notification 42 not found'))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Notification 42 not found',
    });
  });

  it('keeps the string response of a plain HttpException', () => {
    expect(registry.resolve(new HttpException('Slow down', HttpStatus.TOO_MANY_REQUESTS))).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Slow down',
    });
  });

  it('keeps the status of a 5xx HttpException and does not mark its message as exposed', () => {
    const mapped = registry.resolve(new InternalServerErrorException('connect ECONNREFUSED 10.0.0.5:5432'));

    expect(mapped.status).toBe(500);
    expect(mapped.code).toBe('INTERNAL_ERROR');
    expect(mapped.expose).not.toBe(true);
  });

  it('keeps a custom 5xx status of a plain HttpException', () => {
    expect(registry.resolve(new HttpException('Upstream said no', 502))).toMatchObject({
      status: 502,
      code: 'BAD_GATEWAY',
    });
    expect(registry.resolve(new HttpException('Insufficient storage', 507))).toMatchObject({
      status: 507,
      code: 'INTERNAL_ERROR',
    });
  });

  it('uses an UPPER_SNAKE code from the response object', () => {
    const exception = new BadRequestException({ code: 'COUPON_EXPIRED', message: 'The coupon has expired' });

    expect(registry.resolve(exception)).toEqual({
      status: 400,
      code: 'COUPON_EXPIRED',
      message: 'The coupon has expired',
    });
  });

  it.each([
    ['lower case', 'coupon_expired'],
    ['kebab case', 'COUPON-EXPIRED'],
    ['a number', 42],
  ])('ignores a response code in %s and derives the code from the status', (_label, code) => {
    expect(registry.resolve(new ForbiddenException({ code, message: 'No' }))).toMatchObject({
      status: 403,
      code: 'PERMISSION_DENIED',
      message: 'No',
    });
  });

  it('falls back to the exception message when the response message is not a string', () => {
    const exception = new HttpException({ message: { nested: true } }, 409);

    expect(registry.resolve(exception)).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(typeof registry.resolve(exception).message).toBe('string');
  });

  it('answers 500 for an HttpException built with a non-error status', () => {
    expect(registry.resolve(new HttpException('Moved', 302))).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
    });
  });

  it('maps a user subclass of HttpException by its status', () => {
    class OrderLockedException extends HttpException {
      constructor() {
        super('Order is locked', HttpStatus.LOCKED);
      }
    }

    expect(registry.resolve(new OrderLockedException())).toEqual({
      status: 423,
      code: 'CLIENT_ERROR',
      message: 'Order is locked',
    });
  });

  describe('message arrays of Nest ValidationPipe', () => {
    it('turns them into VALIDATION_ERROR field errors with JSON pointers into nested DTOs', async () => {
      const exception = await nestValidationFailure({ title: 'Order', items: [{ name: 5, quantity: 2 }] });
      const mapped = registry.resolve(exception);

      expect(mapped).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
      expect(mapped.fieldErrors).toEqual([
        {
          pointer: '#/items/0/name',
          field: 'items.0.name',
          code: 'invalid',
          detail: 'items.0.name must be a string',
        },
      ]);
    });

    it('gives each message its own field error, in order', async () => {
      const exception = await nestValidationFailure({ title: '', items: [{ name: 'a', quantity: 0 }] });
      const mapped = registry.resolve(exception);

      expect(mapped.fieldErrors?.map((e) => e.pointer)).toEqual(['#/title', '#/items/0/quantity']);
      expect(mapped.fieldErrors?.map((e) => e.field)).toEqual(['title', 'items.0.quantity']);
    });

    it('uses a fixed message instead of the joined Nest messages', async () => {
      const exception = await nestValidationFailure({ title: '', items: [] });

      expect(registry.resolve(exception).message).toBe('The request has invalid fields');
    });

    it('keeps the status of a ValidationPipe configured for 422', async () => {
      const pipe = new ValidationPipe({ errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY });
      const exception = await nestValidationFailure({ title: '', items: [] }, pipe);

      expect(registry.resolve(exception)).toMatchObject({
        status: 422,
        code: 'UNPROCESSABLE_ENTITY',
        fieldErrors: [expect.objectContaining({ pointer: '#/title' })],
      });
    });

    it('keeps an UPPER_SNAKE code given with a message array', () => {
      const exception = new BadRequestException({
        code: 'BAD_ORDER',
        message: ['title should not be empty'],
      });

      expect(registry.resolve(exception)).toMatchObject({
        status: 400,
        code: 'BAD_ORDER',
        fieldErrors: [
          { pointer: '#/title', field: 'title', code: 'invalid', detail: 'title should not be empty' },
        ],
      });
    });

    it('escapes JSON pointer segments that hold "/" or "~"', () => {
      const exception = new BadRequestException({ message: ['a/b~c must be a string'] });

      expect(registry.resolve(exception).fieldErrors).toEqual([
        { pointer: '#/a~1b~0c', field: 'a/b~c', code: 'invalid', detail: 'a/b~c must be a string' },
      ]);
    });

    it('does not treat a mixed array as validation messages', () => {
      const exception = new BadRequestException({ message: ['title is bad', 42] });
      const mapped = registry.resolve(exception);

      expect(mapped).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
      expect(mapped.fieldErrors).toBeUndefined();
    });
  });

  it('is registered for the HttpException class', () => {
    expect(httpExceptionMapper.type).toBe(HttpException);
  });
});

describe("field errors from Nest ValidationPipe's forbidNonWhitelisted messages", () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it('points at the unknown property, not at the word "property"', async () => {
    const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
    const exception = await nestValidationFailure({ title: 'Order', items: [], extra: 1 }, pipe);

    expect(registry.resolve(exception).fieldErrors).toEqual([
      {
        pointer: '#/extra',
        field: 'extra',
        code: 'whitelistValidation',
        detail: 'property extra should not exist',
        messageKey: 'whitelistValidation',
        messageParams: { field: 'extra' },
      },
    ]);
  });

  it('points into nested DTOs for unknown nested properties', async () => {
    const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
    const exception = await nestValidationFailure(
      { title: 'Order', items: [{ name: 'a', quantity: 1, colour: 'red' }] },
      pipe,
    );

    expect(registry.resolve(exception).fieldErrors).toEqual([
      expect.objectContaining({ pointer: '#/items/0/colour', field: 'items.0.colour' }),
    ]);
  });
});

describe("message keys of Nest's own texts", () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it.each([
    [new NotFoundException(), 'http.404', 'Not Found'],
    [new BadRequestException(), 'http.400', 'Bad Request'],
    [new ForbiddenException(), 'http.403', 'Forbidden'],
    [new ConflictException(), 'http.409', 'Conflict'],
    [new PayloadTooLargeException(), 'http.413', 'Payload Too Large'],
    [new ImATeapotException(), 'http.418', "I'm a teapot"],
    [new HttpException('Not Found', 404), 'http.404', 'Not Found'],
  ])('gives the default message of %p its key', (exception, messageKey, message) => {
    expect(registry.resolve(exception)).toMatchObject({ message, messageKey });
  });

  it('gives a message of the application no key, even one that reads like another status', () => {
    expect(registry.resolve(new NotFoundException('Notification 42 is gone')).messageKey).toBeUndefined();
    expect(registry.resolve(new BadRequestException('Not Found')).messageKey).toBeUndefined();
    expect(registry.resolve(new HttpException('Conflict', 400)).messageKey).toBeUndefined();
  });

  it("gives the messages of Nest's built-in pipes their keys, with the UUID version as a value", async () => {
    const failure = (run: () => Promise<unknown>) =>
      run().then(
        () => undefined,
        (e: unknown) => e,
      );
    const int = await failure(() => new ParseIntPipe().transform('abc', { type: 'param' }));
    const uuid = await failure(() => new ParseUUIDPipe({ version: '4' }).transform('abc', { type: 'param' }));

    expect(registry.resolve(int)).toMatchObject({
      status: 400,
      message: 'Validation failed (numeric string is expected)',
      messageKey: 'pipe.numericString',
    });
    expect(registry.resolve(uuid)).toMatchObject({
      message: 'Validation failed (uuid v 4 is expected)',
      messageKey: 'pipe.uuidVersion',
      messageParams: { version: '4' },
    });
  });

  it('gives "Cannot GET /path" the key route.notFound, the method and the path without its query', () => {
    const exception = new NotFoundException({
      message: 'Cannot GET /notes/7?token=hunter2',
      error: 'Not Found',
      statusCode: 404,
    });

    expect(registry.resolve(exception)).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Cannot GET /notes/7',
      messageKey: 'route.notFound',
      messageParams: { method: 'GET', path: '/notes/7' },
    });
  });
});
