import type { AuditEvent, AuditKind, AuditOutcome } from './audit-event.interface';
import { isoTimestamp } from './iso-timestamp';

// Rows of the audit table: events as statement parameters, and rows back as events.

/**
 * Columns in statement order, with the type of each and the key a row of the batch parameter has
 * it under: the event's own field name, as the event's log line has it, so that line's JSON text
 * serves as the row.
 */
export const COLUMNS = [
  ['id', 'uuid', 'id'],
  ['ts', 'timestamptz', 'timestamp'],
  ['kind', 'text', 'kind'],
  ['action', 'text', 'action'],
  ['outcome', 'text', 'outcome'],
  ['status', 'int', 'status'],
  ['error_code', 'text', 'errorCode'],
  ['actor_id', 'text', 'actorId'],
  ['resource_type', 'text', 'resourceType'],
  ['resource_id', 'text', 'resourceId'],
  ['request_id', 'text', 'requestId'],
  ['ip', 'text', 'ip'],
  ['user_agent', 'text', 'userAgent'],
  ['method', 'text', 'method'],
  ['route', 'text', 'route'],
  ['duration_ms', 'int', 'durationMs'],
  ['data', 'jsonb', 'data'],
] as const;
export const COLUMN_LIST = COLUMNS.map(([name]) => name).join(', ');
/** The keys of a row, in column order, as the record `json_to_recordset` reads names them. */
export const RECORD_LIST = COLUMNS.map(([, , key]) => `"${key}"`).join(', ');
/** The record definition `json_to_recordset` reads a batch with: `"id" uuid, "timestamp" timestamptz, …`. */
export const COLUMN_DEFINITIONS = COLUMNS.map(([, type, key]) => `"${key}" ${type}`).join(', ');
/** An event id: a UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT4_MAX = 2_147_483_647;

/** One row of the batch parameter, keyed as the event's fields are. */
interface Row {
  id: string;
  timestamp: string;
  kind: string | null;
  action: string | null;
  outcome: string | null;
  status: number | null;
  errorCode: string | null;
  actorId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  method: string | null;
  route: string | null;
  durationMs: number | null;
  data: unknown;
}

/** The JSON text of events' log lines (their fields, redacted), which their rows may be written as. */
const eventJson = new WeakMap<AuditEvent, string>();

/**
 * Remembers `json`, the JSON text of `event`'s log line fields, as its row: the event is then
 * stored as it was logged. Only when its values are what the columns take as they are (an id, a
 * date, texts, whole numbers in range); otherwise its row is built from it when its batch is.
 */
export function rememberEventJson(event: AuditEvent, json: string | undefined): void {
  if (json !== undefined && storableAsWritten(event)) eventJson.set(event, json);
}

/**
 * Events as one statement parameter: a JSON array of rows keyed as the events' fields are, for
 * `json_to_recordset`. One `JSON.stringify` of the batch costs the app a fraction of 17 array
 * parameters, and PostgreSQL reads it as fast; an event whose log line was serialised already
 * ({@link rememberEventJson}) is written as that text. Values PostgreSQL would reject (NUL
 * characters and lone surrogates in text or JSON, fractional or huge integers, unserialisable
 * data) are made storable here, since a batch that can never be written would hold up every event
 * behind it. Keys a row has beyond its columns (a line's `userId`) are not read.
 */
export function batchJson(events: readonly AuditEvent[]): string {
  let text: string | undefined;
  try {
    const parts: string[] = [];
    for (const event of events) {
      const json = eventJson.get(event);
      if (json !== undefined) {
        parts.push(json);
      } else {
        checkEvent(event);
        parts.push(JSON.stringify(toRow(event)));
      }
    }
    text = `[${parts.join(',')}]`;
  } catch (err) {
    // An event no row can be made of is named; a bigint or circular data: the exact path below.
    if (err instanceof InvalidEvent) throw err;
  }
  // JSON.stringify writes NUL and lone surrogates as escapes, so one search of the whole batch
  // finds them (an escaped backslash before `u0000` matches too; that only costs the slower path).
  // A batch without any `\u` (most) is told by a plain search, some ten times faster than the
  // expression over a batch's text.
  if (text !== undefined && (!text.includes('\\u') || !REJECTED_ESCAPE.test(text))) return text;
  const rows = events.map((event) => {
    const json = eventJson.get(event);
    if (json !== undefined) return JSON.parse(json) as Row;
    checkEvent(event);
    return toRow(event);
  });
  for (const row of rows) row.data = plainData(row.data);
  return JSON.stringify(rows, cleanStrings);
}

/** An event no row can be made of (its id, its timestamp). */
class InvalidEvent extends TypeError {}

function checkEvent(event: AuditEvent): void {
  const reason = unstorable(event);
  if (reason !== undefined) throw new InvalidEvent(reason);
}

/** Why no row can be made of `event` (its id, its timestamp); undefined when one can. */
function unstorable(event: AuditEvent): string | undefined {
  if (typeof event.id !== 'string' || !UUID.test(event.id)) {
    return `audit event id must be a UUID, got ${JSON.stringify(String(event.id)).slice(0, 80)}`;
  }
  if (Number.isNaN(timestampOf(event).getTime())) return `audit event ${event.id} has an invalid timestamp`;
  return undefined;
}

const timestampOf = (event: AuditEvent): Date =>
  event.timestamp instanceof Date ? event.timestamp : new Date(event.timestamp as unknown as string);

/**
 * A UUID, a date, text fields that are texts (or absent), whole numbers where the columns are
 * integers. Each field is read by its name (the columns' `text` and `int` keys, as the spec
 * checks): a loop over the keys would read each through a lookup by a variable key, a cache miss
 * for every event.
 */
function storableAsWritten(e: AuditEvent): boolean {
  return (
    e.timestamp instanceof Date &&
    isText(e.kind) &&
    isText(e.action) &&
    isText(e.outcome) &&
    isText(e.errorCode) &&
    isText(e.actorId) &&
    isText(e.resourceType) &&
    isText(e.resourceId) &&
    isText(e.requestId) &&
    isText(e.ip) &&
    isText(e.userAgent) &&
    isText(e.method) &&
    isText(e.route) &&
    isInt4(e.status) &&
    isInt4(e.durationMs) &&
    unstorable(e) === undefined
  );
}

const isText = (value: unknown): boolean => value === undefined || typeof value === 'string';
const isInt4 = (value: unknown): boolean =>
  value === undefined || (Number.isInteger(value) && Math.abs(value as number) <= INT4_MAX);

function toRow(event: AuditEvent): Row {
  return {
    id: event.id,
    timestamp: isoTimestamp(timestampOf(event)),
    kind: optionalText(event.kind),
    action: optionalText(event.action),
    outcome: optionalText(event.outcome),
    status: optionalInt(event.status),
    errorCode: optionalText(event.errorCode),
    actorId: optionalText(event.actorId),
    resourceType: optionalText(event.resourceType),
    resourceId: optionalText(event.resourceId),
    requestId: optionalText(event.requestId),
    ip: optionalText(event.ip),
    userAgent: optionalText(event.userAgent),
    method: optionalText(event.method),
    route: optionalText(event.route),
    durationMs: optionalInt(event.durationMs),
    data: event.data ?? null,
  };
}

export function fromRow(row: Record<string, unknown>): AuditEvent {
  const event: AuditEvent = {
    id: String(row.id),
    timestamp: row.ts instanceof Date ? row.ts : new Date(String(row.ts)),
    kind: String(row.kind ?? '') as AuditKind,
    action: String(row.action ?? ''),
    outcome: String(row.outcome ?? '') as AuditOutcome,
  };
  const optional: [keyof AuditEvent, unknown][] = [
    ['status', num(row.status)],
    ['errorCode', str(row.error_code)],
    ['actorId', str(row.actor_id)],
    ['resourceType', str(row.resource_type)],
    ['resourceId', str(row.resource_id)],
    ['requestId', str(row.request_id)],
    ['ip', str(row.ip)],
    ['userAgent', str(row.user_agent)],
    ['method', str(row.method)],
    ['route', str(row.route)],
    ['durationMs', num(row.duration_ms)],
    ['data', row.data === null || row.data === undefined ? undefined : parseData(row.data)],
  ];
  for (const [key, value] of optional) {
    if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
  }
  return event;
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

function parseData(value: unknown): Record<string, unknown> {
  // jsonb arrives parsed from pg and PGlite; a client with its own type parsers may give text.
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

/** Text columns reject NUL; it becomes U+FFFD (filters get the same treatment, so they still match). */
export function cleanText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function optionalText(value: unknown): string | null {
  return value === undefined || value === null ? null : typeof value === 'string' ? value : String(value);
}

function optionalInt(value: unknown): number | null {
  const n = typeof value === 'number' ? value : value === undefined || value === null ? NaN : Number(value);
  if (!Number.isFinite(n)) return null;
  return Math.max(-INT4_MAX, Math.min(INT4_MAX, Math.round(n)));
}

/** NUL and unpaired surrogates: PostgreSQL's text and jsonb reject them. */
// eslint-disable-next-line no-control-regex
const REJECTED_CHARS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `\u0000` and unpaired surrogates as JSON.stringify escapes them. */
const REJECTED_ESCAPE = /\\u(?:0000|d[89a-f])/i;

function cleanString(value: string): string {
  return value.replace(REJECTED_CHARS, '\uFFFD');
}

/** JSON.stringify replacer of the exact path: every string and key cleaned, bigints as text. */
function cleanStrings(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'string') return cleanString(value);
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((k) => cleanString(k) !== k)) {
      return Object.fromEntries(keys.map((k) => [cleanString(k), (value as Record<string, unknown>)[k]]));
    }
  }
  return value;
}

/** Data that serialises, or a note of why it does not (circular data, a throwing toJSON). */
function plainData(data: unknown): unknown {
  if (data === null) return null;
  try {
    JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    return data;
  } catch (err) {
    return { _unserializable: err instanceof Error ? err.message : String(err) };
  }
}
