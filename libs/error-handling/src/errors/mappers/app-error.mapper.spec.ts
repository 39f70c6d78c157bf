import {
  AppError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
  ValidationError,
} from '../app.error';
import { ExceptionRegistry } from '../exception-registry';
import { fieldError } from '../field-error.interface';
import { appErrorMapper } from './app-error.mapper';
import { BUILT_IN_MAPPERS } from './built-in.mappers';

describe('built-in mapping of AppError', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it.each([
    ['NotFoundError', new NotFoundError('Notification', 42), 404, 'NOT_FOUND', 'Notification not found: 42'],
    [
      'PermissionDeniedError',
      new PermissionDeniedError(),
      403,
      'PERMISSION_DENIED',
      'You do not have permission to do this',
    ],
    [
      'UnauthenticatedError',
      new UnauthenticatedError(),
      401,
      'UNAUTHENTICATED',
      'Authentication is required',
    ],
    ['ValidationError', new ValidationError('Bad input'), 400, 'VALIDATION_ERROR', 'Bad input'],
    ['ConflictError', new ConflictError(), 409, 'CONFLICT', 'The request conflicts with the current state'],
    ['RateLimitedError', new RateLimitedError(30), 429, 'RATE_LIMITED', 'Too many requests'],
    [
      'ServiceUnavailableError',
      new ServiceUnavailableError(),
      503,
      'SERVICE_UNAVAILABLE',
      'The service is temporarily unavailable',
    ],
  ])('maps %s to its status, code and message', (_name, error, status, code, message) => {
    expect(registry.resolve(error)).toMatchObject({ status, code, message });
  });

  it('answers an AppError with an explicit status with that status and its own code', () => {
    const error = new AppError('Invalid username or password', 'INVALID_CREDENTIALS', { status: 401 });

    expect(registry.resolve(error)).toMatchObject({
      status: 401,
      code: 'INVALID_CREDENTIALS',
      message: 'Invalid username or password',
    });
  });

  it('takes the status of a registered code when no status is given', () => {
    expect(registry.resolve(new AppError('Taken', 'CONFLICT'))).toMatchObject({
      status: 409,
      code: 'CONFLICT',
    });
    expect(registry.resolve(new AppError('Slow down', 'RATE_LIMITED'))).toMatchObject({ status: 429 });
    expect(registry.resolve(new AppError('Gone', 'GONE'))).toMatchObject({ status: 410 });
  });

  it('answers 500 for an unregistered code without a status, keeping the code', () => {
    expect(registry.resolve(new AppError('x', 'COUPON_EXPIRED'))).toMatchObject({
      status: 500,
      code: 'COUPON_EXPIRED',
    });
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'does not read a status from Object.prototype for the code %p',
    (code) => {
      expect(registry.resolve(new AppError('x', code))).toMatchObject({
        status: 500,
        code: 'INTERNAL_ERROR',
      });
    },
  );

  it('replaces a code that is not UPPER_SNAKE with the code of the status', () => {
    expect(registry.resolve(new AppError('x', 'not-found', { status: 404 }))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('answers 500 for an AppError whose status is not an error status', () => {
    expect(registry.resolve(new AppError('x', 'WEIRD', { status: 302 }))).toMatchObject({
      status: 500,
      code: 'WEIRD',
    });
  });

  it('carries retryAfterSeconds of RateLimitedError and ServiceUnavailableError', () => {
    expect(registry.resolve(new RateLimitedError(30))).toMatchObject({ status: 429, retryAfterSeconds: 30 });
    expect(registry.resolve(new ServiceUnavailableError(10))).toMatchObject({
      status: 503,
      retryAfterSeconds: 10,
    });
    expect(registry.resolve(new ServiceUnavailableError()).retryAfterSeconds).toBeUndefined();
  });

  it('carries the field errors of a ValidationError', () => {
    const fieldErrors = [
      fieldError(['title'], 'isNotEmpty', 'title should not be empty'),
      fieldError(['items', '0', 'name'], 'isString', 'name must be a string'),
    ];

    expect(registry.resolve(new ValidationError('Invalid', fieldErrors))).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      fieldErrors: [
        { pointer: '#/title', field: 'title', code: 'isNotEmpty', detail: 'title should not be empty' },
        {
          pointer: '#/items/0/name',
          field: 'items.0.name',
          code: 'isString',
          detail: 'name must be a string',
        },
      ],
    });
  });

  it('carries expose and details as given', () => {
    const hidden = new ConflictError('Internal detail', { expose: false, details: { resource: 'order' } });
    const shown = new ServiceUnavailableError(5, 'Maintenance until 10:00', { expose: true });

    expect(registry.resolve(hidden)).toMatchObject({ expose: false, details: { resource: 'order' } });
    expect(registry.resolve(shown)).toMatchObject({
      status: 503,
      expose: true,
      message: 'Maintenance until 10:00',
    });
  });

  it('leaves expose undefined so the status decides when it is not given', () => {
    expect(registry.resolve(new NotFoundError('X')).expose).toBeUndefined();
    expect(registry.resolve(new AppError('db down', 'DB_DOWN', { status: 500 })).expose).toBeUndefined();
  });

  it('maps a user subclass of AppError through the AppError mapper', () => {
    class CouponExpiredError extends NotFoundError {}

    expect(registry.resolve(new CouponExpiredError('Coupon', 'SUMMER'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Coupon not found: SUMMER',
    });
  });

  it('is registered for the AppError class', () => {
    expect(appErrorMapper.type).toBe(AppError);
  });
});
