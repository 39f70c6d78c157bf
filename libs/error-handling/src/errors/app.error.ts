import { englishMessage } from './error-messages';
import type { FieldError } from './field-error.interface';
import type { MessageParams } from './message-template';

/** Options of {@link AppError}. */
export interface AppErrorOptions {
  /**
   * HTTP status to answer with.
   * @default the status registered for `code` in ERROR_CODES, else 500
   */
  status?: number;
  /** Extra data for the client, JSON-safe. Shown only when the message is shown. */
  details?: Record<string, unknown>;
  /** The error that caused this one; logged (in debug mode shown), never sent to clients. */
  cause?: unknown;
  /**
   * Whether `message` may be sent to clients.
   * @default true for statuses below 500, false otherwise
   */
  expose?: boolean;
  /** Field errors, sent as the body's `errors` member. */
  fieldErrors?: FieldError[];
  /** Seconds for a `Retry-After` header. */
  retryAfterSeconds?: number;
  /**
   * The key of a catalog text (`catalogs.<language>.messages`) that says the message in other
   * languages. When the message is shown and the negotiated language's catalog has the key, the
   * client gets that text with `messageParams` filled in; otherwise `message` as it is. The
   * default messages of the error classes have keys of their own (`notFound.id`,
   * `permissionDenied`, ...); a message you write has none unless you give one.
   * @default undefined (the message is shown as written)
   * @example 'coupon.expired'
   */
  messageKey?: string;
  /**
   * The values of the catalog text's placeholders: `{ coupon: 'SUMMER' }` fills `{coupon}`.
   * Redacted like the message when rendered.
   */
  messageParams?: MessageParams;
}

/**
 * The base of domain errors. Throw it (or a subclass) anywhere: the global filter turns it into
 * a problem body with its `code` and status.
 *
 * @example
 * throw new AppError('Invalid username or password', 'INVALID_CREDENTIALS', { status: 401 });
 * @example
 * // Shown in the client's language when its catalog has `messages['coupon.expired']`
 * // (for example '쿠폰 {coupon}의 사용 기간이 지났습니다.'), else in English.
 * throw new AppError('Coupon SUMMER has expired', 'COUPON_EXPIRED', {
 *   status: 410,
 *   messageKey: 'coupon.expired',
 *   messageParams: { coupon: 'SUMMER' },
 * });
 */
export class AppError extends Error {
  // The fields are declared, not defined: each subclass gives `this` a shape of its own, and
  // defining eight fields on a constructor that has seen several shapes cost more than building
  // the rest of the error (a microsecond an error). Assigned below, in the same order as before.
  /** Stable UPPER_SNAKE code clients branch on. */
  declare readonly code: string;
  /** HTTP status, when set explicitly or implied by a subclass. */
  declare readonly status: number | undefined;
  /** Extra client-facing data. */
  declare readonly details: Record<string, unknown> | undefined;
  /** Whether the message may be sent to clients; undefined means "by status". */
  declare readonly expose: boolean | undefined;
  /** Field errors for the body's `errors` member. */
  declare readonly fieldErrors: FieldError[] | undefined;
  /** Seconds for a `Retry-After` header. */
  declare readonly retryAfterSeconds: number | undefined;
  /** The catalog key of the message, for other languages; undefined for a message of the application's. */
  declare readonly messageKey: string | undefined;
  /** The values of the catalog text's placeholders. */
  declare readonly messageParams: MessageParams | undefined;

  constructor(message: string, code: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.details = options.details;
    this.expose = options.expose;
    this.fieldErrors = options.fieldErrors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.messageKey = options.messageKey;
    this.messageParams = options.messageParams;
    this.name = this.constructor.name;
  }
}

/**
 * 404 `NOT_FOUND`: `new NotFoundError('Notification', 42)` -> "Notification not found: 42"
 * (message key `notFound.id`, or `notFound` without an id; Korean "Notification 리소스를 찾을 수
 * 없습니다: 42").
 */
export class NotFoundError extends AppError {
  constructor(resource: string, id?: string | number, options: AppErrorOptions = {}) {
    const key = id === undefined ? 'notFound' : 'notFound.id';
    const params: MessageParams = id === undefined ? { resource } : { resource, id };
    super(englishMessage(key, params), 'NOT_FOUND', {
      status: 404,
      messageKey: key,
      messageParams: params,
      ...options,
    });
  }
}

/** 403 `PERMISSION_DENIED`; the default message has the key `permissionDenied`. */
export class PermissionDeniedError extends AppError {
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(message ?? englishMessage('permissionDenied'), 'PERMISSION_DENIED', {
      status: 403,
      ...(message === undefined ? { messageKey: 'permissionDenied' } : {}),
      ...options,
    });
  }
}

/** 401 `UNAUTHENTICATED`; the default message has the key `unauthenticated`. */
export class UnauthenticatedError extends AppError {
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(message ?? englishMessage('unauthenticated'), 'UNAUTHENTICATED', {
      status: 401,
      ...(message === undefined ? { messageKey: 'unauthenticated' } : {}),
      ...options,
    });
  }
}

/** 400 `VALIDATION_ERROR` with field errors (`errors` in the body, JSON pointers, no values). */
export class ValidationError extends AppError {
  constructor(message: string, fieldErrors: FieldError[] = [], options: AppErrorOptions = {}) {
    super(message, 'VALIDATION_ERROR', { status: 400, fieldErrors, ...options });
  }
}

/** 409 `CONFLICT`; the default message has the key `conflict`. */
export class ConflictError extends AppError {
  constructor(message?: string, options: AppErrorOptions = {}) {
    super(message ?? englishMessage('conflict'), 'CONFLICT', {
      status: 409,
      ...(message === undefined ? { messageKey: 'conflict' } : {}),
      ...options,
    });
  }
}

/** 429 `RATE_LIMITED` with a `Retry-After` header; the default message has the key `rateLimited`. */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message?: string, options: AppErrorOptions = {}) {
    super(message ?? englishMessage('rateLimited'), 'RATE_LIMITED', {
      status: 429,
      retryAfterSeconds,
      ...(message === undefined ? { messageKey: 'rateLimited' } : {}),
      ...options,
    });
  }
}

/**
 * 503 `SERVICE_UNAVAILABLE`, with a `Retry-After` header when `retryAfterSeconds` is given; the
 * default message (shown only with `expose: true`) has the key `serviceUnavailable`.
 */
export class ServiceUnavailableError extends AppError {
  constructor(retryAfterSeconds?: number, message?: string, options: AppErrorOptions = {}) {
    super(message ?? englishMessage('serviceUnavailable'), 'SERVICE_UNAVAILABLE', {
      status: 503,
      retryAfterSeconds,
      ...(message === undefined ? { messageKey: 'serviceUnavailable' } : {}),
      ...options,
    });
  }
}
