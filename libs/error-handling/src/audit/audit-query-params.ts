import { ValidationError } from '../errors/app.error';
import { fieldError } from '../errors/field-error.interface';
import { UUID } from './audit-rows';

// The audit query's page size and cursor.

/** Default page size of `SqlAuditStore.query`. */
export const AUDIT_QUERY_DEFAULT_LIMIT = 50;
/** Largest page size of `SqlAuditStore.query`; larger limits are lowered to it. */
export const AUDIT_QUERY_MAX_LIMIT = 500;
const CURSOR_TS = /^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

export function isoDate(value: unknown, field: string): string {
  const date = value instanceof Date ? value : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError(`Invalid audit query: ${field} must be a valid date`, [
      fieldError([field], 'isDate', `${field} must be a valid date`),
    ]);
  }
  return date.toISOString();
}

export function pageSize(limit: unknown): number {
  if (limit === undefined || limit === null) return AUDIT_QUERY_DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 1) {
    throw new ValidationError('Invalid audit query: limit must be a number >= 1', [
      fieldError(['limit'], 'min', `limit must be a number between 1 and ${AUDIT_QUERY_MAX_LIMIT}`),
    ]);
  }
  return Math.min(Math.floor(limit), AUDIT_QUERY_MAX_LIMIT);
}

/** Opaque to callers: base64url of `[ts with microseconds, id]` of the last row of a page. */
export function encodeCursor(ts: string, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

export function decodeCursor(cursor: unknown): [string, string] {
  let decoded: unknown;
  try {
    decoded =
      typeof cursor === 'string' ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    !CURSOR_TS.test(decoded[0]) ||
    Number.isNaN(Date.parse(decoded[0])) ||
    !UUID.test(decoded[1])
  ) {
    throw new ValidationError('Invalid audit query: cursor is not one this API returned', [
      fieldError(['cursor'], 'isCursor', 'cursor must be the nextCursor of a previous page'),
    ]);
  }
  return [decoded[0], decoded[1]];
}
