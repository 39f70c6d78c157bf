import { AppError } from '../app.error';
import { ERROR_CODES } from '../error-codes';
import type { ExceptionMapper } from '../exception-mapper.interface';

/** {@link AppError} and subclasses: their own code, status, message and field errors. */
export const appErrorMapper: ExceptionMapper<AppError> = {
  type: AppError,
  map: (e) => ({
    status: e.status ?? (ERROR_CODES as Record<string, { status: number }>)[e.code]?.status ?? 500,
    code: e.code,
    message: e.message,
    messageKey: e.messageKey,
    messageParams: e.messageParams,
    expose: e.expose,
    fieldErrors: e.fieldErrors,
    retryAfterSeconds: e.retryAfterSeconds,
    details: e.details,
  }),
};
