import {
  AppError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
  ValidationError,
} from './app.error';
import { fieldError } from './field-error.interface';

describe('AppError and its subclasses', () => {
  it('keeps message, code and every option it is given', () => {
    const cause = new Error('root');
    const fieldErrors = [fieldError(['title'], 'isNotEmpty', 'title should not be empty')];
    const error = new AppError('Invalid username or password', 'INVALID_CREDENTIALS', {
      status: 401,
      details: { attempts: 3 },
      cause,
      expose: true,
      fieldErrors,
      retryAfterSeconds: 30,
    });

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('Invalid username or password');
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(error.status).toBe(401);
    expect(error.details).toEqual({ attempts: 3 });
    expect(error.cause).toBe(cause);
    expect(error.expose).toBe(true);
    expect(error.fieldErrors).toBe(fieldErrors);
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('leaves optional members undefined and sets no cause when none is given', () => {
    const error = new AppError('x', 'SOMETHING');

    expect(error.status).toBeUndefined();
    expect(error.expose).toBeUndefined();
    expect(error.details).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it.each([
    [new AppError('x', 'X'), 'AppError'],
    [new NotFoundError('Notification'), 'NotFoundError'],
    [new PermissionDeniedError(), 'PermissionDeniedError'],
    [new UnauthenticatedError(), 'UnauthenticatedError'],
    [new ValidationError('bad'), 'ValidationError'],
    [new ConflictError(), 'ConflictError'],
    [new RateLimitedError(1), 'RateLimitedError'],
    [new ServiceUnavailableError(), 'ServiceUnavailableError'],
  ])('names %p after its class and keeps it an AppError', (error, name) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(AppError);
    expect(error.stack).toContain(name);
  });

  it('names a user subclass after the subclass', () => {
    class CouponExpiredError extends AppError {
      constructor() {
        super('Coupon expired', 'COUPON_EXPIRED', { status: 410 });
      }
    }

    expect(new CouponExpiredError().name).toBe('CouponExpiredError');
  });

  it('has its members as own enumerable properties, in the order they are declared, the name last', () => {
    const error = new ValidationError('bad', [], { details: { a: 1 } });

    expect(Object.keys(error)).toEqual([
      'code',
      'status',
      'details',
      'expose',
      'fieldErrors',
      'retryAfterSeconds',
      'messageKey',
      'messageParams',
      'name',
    ]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'VALIDATION_ERROR',
      status: 400,
      details: { a: 1 },
      fieldErrors: [],
      name: 'ValidationError',
    });
  });

  it("lets a user subclass's own field initialisers override the members", () => {
    class TeapotError extends AppError {
      override readonly status = 418;
      override readonly expose = true;
      constructor() {
        super('I am a teapot', 'TEAPOT');
      }
    }
    // Several classes through one constructor, as in an application with many error types.
    const errors = [new NotFoundError('Item'), new ConflictError(), new TeapotError(), new TeapotError()];

    expect(errors.map((e) => [e.name, e.status, e.expose])).toEqual([
      ['NotFoundError', 404, undefined],
      ['ConflictError', 409, undefined],
      ['TeapotError', 418, true],
      ['TeapotError', 418, true],
    ]);
  });

  it('builds the NotFoundError message from resource and id', () => {
    expect(new NotFoundError('Notification', 42).message).toBe('Notification not found: 42');
    expect(new NotFoundError('Notification', 'abc').message).toBe('Notification not found: abc');
    expect(new NotFoundError('Notification', 0).message).toBe('Notification not found: 0');
    expect(new NotFoundError('Notification').message).toBe('Notification not found');
  });

  it('lets options override the status a subclass implies', () => {
    expect(new NotFoundError('Notification', 1, { status: 410 }).status).toBe(410);
    expect(new ConflictError('x', { expose: false }).expose).toBe(false);
  });

  it('gives ValidationError an empty list of field errors by default', () => {
    expect(new ValidationError('bad').fieldErrors).toEqual([]);
  });

  it('gives the default messages their catalog keys, and a message of the application none', () => {
    expect(new NotFoundError('Notification', 42)).toMatchObject({
      messageKey: 'notFound.id',
      messageParams: { resource: 'Notification', id: 42 },
    });
    expect(new NotFoundError('Notification')).toMatchObject({
      messageKey: 'notFound',
      messageParams: { resource: 'Notification' },
    });
    expect(new PermissionDeniedError().messageKey).toBe('permissionDenied');
    expect(new UnauthenticatedError().messageKey).toBe('unauthenticated');
    expect(new ConflictError().messageKey).toBe('conflict');
    expect(new RateLimitedError(30).messageKey).toBe('rateLimited');
    expect(new ServiceUnavailableError().messageKey).toBe('serviceUnavailable');
    expect(new PermissionDeniedError('Only owners may do this').messageKey).toBeUndefined();
    expect(new UnauthenticatedError('A bearer token is required').messageKey).toBeUndefined();
    expect(new RateLimitedError(5, 'Slow down').messageKey).toBeUndefined();
    expect(new ValidationError('bad').messageKey).toBeUndefined();
  });

  it('keeps the default messages as they were', () => {
    expect(new PermissionDeniedError().message).toBe('You do not have permission to do this');
    expect(new UnauthenticatedError().message).toBe('Authentication is required');
    expect(new ConflictError().message).toBe('The request conflicts with the current state');
    expect(new RateLimitedError(30).message).toBe('Too many requests');
    expect(new ServiceUnavailableError().message).toBe('The service is temporarily unavailable');
  });

  it('takes a message key and its values from the options', () => {
    const error = new AppError('Coupon SUMMER has expired', 'COUPON_EXPIRED', {
      status: 410,
      messageKey: 'coupon.expired',
      messageParams: { coupon: 'SUMMER' },
    });

    expect(error).toMatchObject({ messageKey: 'coupon.expired', messageParams: { coupon: 'SUMMER' } });
    expect(new NotFoundError('Coupon', 'SUMMER', { messageKey: 'coupon.missing' }).messageKey).toBe(
      'coupon.missing',
    );
  });
});
