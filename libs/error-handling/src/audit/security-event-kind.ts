/** The security events Faultline knows; stored with `kind: 'security'` and the kind as `action`. */
export enum SecurityEventKind {
  LOGIN_SUCCESS = 'LOGIN_SUCCESS',
  LOGIN_FAILED = 'LOGIN_FAILED',
  LOGOUT = 'LOGOUT',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  PASSWORD_RESET_REQUESTED = 'PASSWORD_RESET_REQUESTED',
  PASSWORD_RESET_COMPLETED = 'PASSWORD_RESET_COMPLETED',
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  CSRF_VIOLATION = 'CSRF_VIOLATION',
  AUTH_REQUIRED = 'AUTH_REQUIRED',
  RATE_LIMIT_HIT = 'RATE_LIMIT_HIT',
  SESSION_CREATED = 'SESSION_CREATED',
  SESSION_DESTROYED = 'SESSION_DESTROYED',
  SESSION_EXPIRED = 'SESSION_EXPIRED',
  SESSION_FIXATION_ATTEMPT = 'SESSION_FIXATION_ATTEMPT',
}

/** Kinds that record something going wrong (outcome `failure`); the others are `success`. */
export const FAILED_SECURITY_KINDS: ReadonlySet<SecurityEventKind> = new Set([
  SecurityEventKind.LOGIN_FAILED,
  SecurityEventKind.PERMISSION_DENIED,
  SecurityEventKind.CSRF_VIOLATION,
  SecurityEventKind.AUTH_REQUIRED,
  SecurityEventKind.RATE_LIMIT_HIT,
  SecurityEventKind.SESSION_FIXATION_ATTEMPT,
]);
