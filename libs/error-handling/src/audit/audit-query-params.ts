import { ValidationError } from '../errors/app.error';
import { fieldError, type FieldError } from '../errors/field-error.interface';
import type { AuditKind, AuditOutcome, AuditQuery } from './audit-event.interface';
import { UUID } from './audit-rows';

// The audit query's parameters: checked here so that nothing PostgreSQL would reject (and
// answer with a 22xxx error) ever reaches the statement.

/** Default page size of `SqlAuditStore.query`. */
export const AUDIT_QUERY_DEFAULT_LIMIT = 50;
/** Largest page size of `SqlAuditStore.query`; larger limits are lowered to it. */
export const AUDIT_QUERY_MAX_LIMIT = 500;

/** The first and last instants a query may name: years 0001 to 9999, UTC, as PostgreSQL reads them. */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
/** RFC 3339: a date, or a date-time with seconds and a zone; one-digit fields and extras are not allowed. */
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)(?:[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d))?$/;
/** What the store's own cursors hold: `to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`. */
const CURSOR_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,160}$/;
const LIMIT_TEXT = /^[1-9]\d{0,2}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME_HINT = 'a date (2024-02-29) or a date-time with a time zone (2024-02-29T13:45:00Z)';

/**
 * The milliseconds since the epoch of an RFC 3339 date or date-time, or undefined when the text
 * is not one or names no real instant: `2024-02-30`, month 13, hour 24, a time without a zone,
 * trailing text, or a year (after the offset is applied) outside 0001-9999. A date alone is
 * midnight UTC; digits past milliseconds are dropped.
 */
export function parseAuditTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (zh > 23 || zm > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  // setUTCFullYear, unlike Date.UTC, takes years 1-99 as they are.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)));
  const time = date.getTime() - offsetMinutes * 60_000;
  return time >= EARLIEST && time <= LATEST ? time : undefined;
}

/**
 * A `since` / `until` filter as the store passes it to SQL: the ISO text of a valid `Date`
 * between years 0001 and 9999 (PostgreSQL reads neither year 0 nor `+010000`).
 *
 * @throws ValidationError (400 `VALIDATION_ERROR`, field error `isDate` on `field`) otherwise.
 */
export function isoDate(value: unknown, field: string): string {
  const time = value instanceof Date ? value.getTime() : NaN;
  if (!(time >= EARLIEST && time <= LATEST)) {
    throw new ValidationError(`Invalid audit query: ${field} must be a valid date`, [dateError(field)]);
  }
  return (value as Date).toISOString();
}

/**
 * The page size of a programmatic query: the default when absent, a fraction taken down, more
 * than {@link AUDIT_QUERY_MAX_LIMIT} lowered to it.
 *
 * @throws ValidationError for a limit that is not a finite number >= 1.
 */
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

/**
 * The position a cursor names, checked as strictly as the store writes it: the exact base64url
 * of `[ts, id]` (no padding, no extra characters, no other JSON), a real UTC instant with
 * microseconds in years 0001-9999, and a UUID.
 *
 * @throws ValidationError (field error `isCursor`) for anything else.
 */
export function decodeCursor(cursor: unknown): [string, string] {
  const position = cursorPosition(cursor);
  if (!position) {
    throw new ValidationError('Invalid audit query: cursor is not one this API returned', [cursorError()]);
  }
  return position;
}

function cursorPosition(cursor: unknown): [string, string] | undefined {
  if (typeof cursor !== 'string' || !CURSOR_TEXT.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [ts, id] = decoded as unknown[];
  if (typeof ts !== 'string' || typeof id !== 'string') return undefined;
  if (!CURSOR_TS.test(ts) || parseAuditTimestamp(ts) === undefined || !UUID.test(id)) return undefined;
  return encodeCursor(ts, id) === cursor ? [ts, id] : undefined;
}

/**
 * An audit query as an HTTP API receives it: each parameter a string, as a query string gives
 * it. Other values (a repeated parameter's array, a number) are rejected.
 */
export interface AuditQueryParams {
  actorId?: unknown;
  ip?: unknown;
  action?: unknown;
  kind?: unknown;
  outcome?: unknown;
  /** An RFC 3339 date or date-time with a zone; events at or after it. */
  since?: unknown;
  /** An RFC 3339 date or date-time with a zone; events before it. */
  until?: unknown;
  /** A whole number from 1 to 500, digits only. */
  limit?: unknown;
  /** The `nextCursor` of the previous page. */
  cursor?: unknown;
}

/**
 * Turns the query string of an audit API into an {@link AuditQuery}, strictly: `since` and
 * `until` must be real dates (RFC 3339, years 0001-9999; `2024-02-30`, month 13, trailing text
 * and times without a zone are rejected), `limit` digits from 1 to 500, `cursor` one this API
 * returned, `kind` and `outcome` one of their values. An empty string counts as absent.
 *
 * @throws ValidationError (400 `VALIDATION_ERROR`) with one field error for each bad
 * parameter, naming it; rejected values are never echoed.
 * @example
 * @Get('audit')
 * list(@Query() query: Record<string, string>) {
 *   return this.audit.query(parseAuditQueryParams(query));
 * }
 */
export function parseAuditQueryParams(params: AuditQueryParams): AuditQuery {
  const errors: FieldError[] = [];
  const query: AuditQuery = {};
  const text = (field: keyof AuditQueryParams): string | undefined => {
    const value = params[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    errors.push(fieldError([field], 'isString', `${field} must be given once, as text`));
    return undefined;
  };
  for (const field of ['actorId', 'ip', 'action'] as const) {
    const value = text(field);
    if (value !== undefined) query[field] = value;
  }
  const kind = text('kind');
  if (kind !== undefined) {
    if (kind === 'audit' || kind === 'security') query.kind = kind satisfies AuditKind;
    else errors.push(fieldError(['kind'], 'isIn', 'kind must be one of audit, security'));
  }
  const outcome = text('outcome');
  if (outcome !== undefined) {
    if (outcome === 'success' || outcome === 'failure') query.outcome = outcome satisfies AuditOutcome;
    else errors.push(fieldError(['outcome'], 'isIn', 'outcome must be one of success, failure'));
  }
  for (const field of ['since', 'until'] as const) {
    const value = text(field);
    if (value === undefined) continue;
    const time = parseAuditTimestamp(value);
    if (time === undefined) errors.push(dateError(field));
    else query[field] = new Date(time);
  }
  const limit = text('limit');
  if (limit !== undefined) {
    if (LIMIT_TEXT.test(limit) && Number(limit) <= AUDIT_QUERY_MAX_LIMIT) query.limit = Number(limit);
    else {
      errors.push(
        fieldError(['limit'], 'isInt', `limit must be a whole number from 1 to ${AUDIT_QUERY_MAX_LIMIT}`),
      );
    }
  }
  const cursor = text('cursor');
  if (cursor !== undefined) {
    if (cursorPosition(cursor)) query.cursor = cursor;
    else errors.push(cursorError());
  }
  if (errors.length > 0) {
    const fields = errors.map((e) => e.field).join(', ');
    throw new ValidationError(`Invalid audit query: ${fields}`, errors);
  }
  return query;
}

function dateError(field: string): FieldError {
  return fieldError(
    [field],
    'isDate',
    `${field} must be ${TIME_HINT}, from year 0001 to 9999 (in a URL, write + as %2B)`,
  );
}

function cursorError(): FieldError {
  return fieldError(['cursor'], 'isCursor', 'cursor must be the nextCursor of a previous page');
}
