/**
 * Every error code Faultline itself produces, with the HTTP status it maps to.
 *
 * Codes are stable UPPER_SNAKE strings: clients branch on `code`, never on text.
 * `docs/errors.md` lists exactly these codes (a test keeps the two in step).
 * Applications may use codes of their own with {@link AppError}; they are not listed here.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, description: 'The request is not valid.' },
  VALIDATION_ERROR: { status: 400, description: 'One or more fields failed validation.' },
  MALFORMED_BODY: { status: 400, description: 'The request body could not be parsed.' },
  UNAUTHENTICATED: { status: 401, description: 'Authentication is required.' },
  PERMISSION_DENIED: { status: 403, description: 'The caller may not do this.' },
  NOT_FOUND: { status: 404, description: 'The resource or route does not exist.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The method is not allowed here.' },
  NOT_ACCEPTABLE: { status: 406, description: 'No acceptable representation.' },
  REQUEST_TIMEOUT: { status: 408, description: 'The request took too long.' },
  CONFLICT: { status: 409, description: 'The request conflicts with the current state.' },
  GONE: { status: 410, description: 'The resource is gone.' },
  PRECONDITION_FAILED: { status: 412, description: 'A precondition failed.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The body media type or charset is not supported.',
  },
  UNPROCESSABLE_ENTITY: { status: 422, description: 'The request cannot be processed.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests; retry later.' },
  CLIENT_ERROR: { status: 400, description: 'Another 4xx status without a code of its own.' },
  INTERNAL_ERROR: { status: 500, description: 'An unexpected error occurred.' },
  NOT_IMPLEMENTED: { status: 501, description: 'The operation is not implemented.' },
  BAD_GATEWAY: { status: 502, description: 'An upstream service answered badly.' },
  SERVICE_UNAVAILABLE: { status: 503, description: 'The service is unavailable.' },
  RETRYABLE: { status: 503, description: 'A transient conflict (serialization, deadlock).' },
  DEPENDENCY_UNAVAILABLE: { status: 503, description: 'A dependency (database) is unreachable.' },
  GATEWAY_TIMEOUT: { status: 504, description: 'An upstream service timed out.' },
} as const satisfies Record<string, { status: number; description: string }>;

/** A code from {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

const CODE_BY_STATUS: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [400, 'BAD_REQUEST'],
  [401, 'UNAUTHENTICATED'],
  [403, 'PERMISSION_DENIED'],
  [404, 'NOT_FOUND'],
  [405, 'METHOD_NOT_ALLOWED'],
  [406, 'NOT_ACCEPTABLE'],
  [408, 'REQUEST_TIMEOUT'],
  [409, 'CONFLICT'],
  [410, 'GONE'],
  [412, 'PRECONDITION_FAILED'],
  [413, 'PAYLOAD_TOO_LARGE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
  [422, 'UNPROCESSABLE_ENTITY'],
  [429, 'RATE_LIMITED'],
  [500, 'INTERNAL_ERROR'],
  [501, 'NOT_IMPLEMENTED'],
  [502, 'BAD_GATEWAY'],
  [503, 'SERVICE_UNAVAILABLE'],
  [504, 'GATEWAY_TIMEOUT'],
]);

/**
 * The code for an HTTP status: its own code where it has one, else `CLIENT_ERROR` for
 * other 4xx statuses and `INTERNAL_ERROR` for everything else.
 */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS.get(status) ?? (status >= 400 && status < 500 ? 'CLIENT_ERROR' : 'INTERNAL_ERROR');
}

/** True for an integer HTTP error status (400-599). */
export function isErrorStatus(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599;
}
