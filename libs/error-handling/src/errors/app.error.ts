import type { FieldError } from './field-error.interface';

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
}

/**
 * The base of domain errors. Throw it (or a subclass) anywhere: the global filter turns it into
 * a problem body with its `code` and status.
 *
 * @example
 * throw new AppError('Invalid username or password', 'INVALID_CREDENTIALS', { status: 401 });
 */
export class AppError extends Error {
  /** Stable UPPER_SNAKE code clients branch on. */
  readonly code: string;
  /** HTTP status, when set explicitly or implied by a subclass. */
  readonly status: number | undefined;
  /** Extra client-facing data. */
  readonly details: Record<string, unknown> | undefined;
  /** Whether the message may be sent to clients; undefined means "by status". */
  readonly expose: boolean | undefined;
  /** Field errors for the body's `errors` member. */
  readonly fieldErrors: FieldError[] | undefined;
  /** Seconds for a `Retry-After` header. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, code: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = this.constructor.name;
    this.code = code;
    this.status = options.status;
    this.details = options.details;
    this.expose = options.expose;
    this.fieldErrors = options.fieldErrors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** 404 `NOT_FOUND`: `new NotFoundError('Notification', 42)` -> "Notification not found: 42". */
export class NotFoundError extends AppError {
  constructor(resource: string, id?: string | number, options: AppErrorOptions = {}) {
    super(id === undefined ? `${resource} not found` : `${resource} not found: ${id}`, 'NOT_FOUND', {
      status: 404,
      ...options,
    });
  }
}

/** 403 `PERMISSION_DENIED`. */
export class PermissionDeniedError extends AppError {
  constructor(message = 'You do not have permission to do this', options: AppErrorOptions = {}) {
    super(message, 'PERMISSION_DENIED', { status: 403, ...options });
  }
}

/** 401 `UNAUTHENTICATED`. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication is required', options: AppErrorOptions = {}) {
    super(message, 'UNAUTHENTICATED', { status: 401, ...options });
  }
}

/** 400 `VALIDATION_ERROR` with field errors (`errors` in the body, JSON pointers, no values). */
export class ValidationError extends AppError {
  constructor(message: string, fieldErrors: FieldError[] = [], options: AppErrorOptions = {}) {
    super(message, 'VALIDATION_ERROR', { status: 400, fieldErrors, ...options });
  }
}

/** 409 `CONFLICT`. */
export class ConflictError extends AppError {
  constructor(message = 'The request conflicts with the current state', options: AppErrorOptions = {}) {
    super(message, 'CONFLICT', { status: 409, ...options });
  }
}

/** 429 `RATE_LIMITED` with a `Retry-After` header. */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many requests', options: AppErrorOptions = {}) {
    super(message, 'RATE_LIMITED', { status: 429, retryAfterSeconds, ...options });
  }
}

/** 503 `SERVICE_UNAVAILABLE`, with a `Retry-After` header when `retryAfterSeconds` is given. */
export class ServiceUnavailableError extends AppError {
  constructor(
    retryAfterSeconds?: number,
    message = 'The service is temporarily unavailable',
    options: AppErrorOptions = {},
  ) {
    super(message, 'SERVICE_UNAVAILABLE', { status: 503, retryAfterSeconds, ...options });
  }
}
