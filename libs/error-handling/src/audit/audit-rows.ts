import type { AuditEvent, AuditKind, AuditOutcome } from './audit-event.interface';
import { isoTimestamp } from './iso-timestamp';

// Rows of the audit table: events as statement parameters, and rows back as events.

/** Columns in statement order, with the type of each. */
export const COLUMNS = [
  ['id', 'uuid'],
  ['ts', 'timestamptz'],
  ['kind', 'text'],
  ['action', 'text'],
  ['outcome', 'text'],
  ['status', 'int'],
  ['error_code', 'text'],
  ['actor_id', 'text'],
  ['resource_type', 'text'],
  ['resource_id', 'text'],
  ['request_id', 'text'],
  ['ip', 'text'],
  ['user_agent', 'text'],
  ['method', 'text'],
  ['route', 'text'],
  ['duration_ms', 'int'],
  ['data', 'jsonb'],
] as const;
export const COLUMN_LIST = COLUMNS.map(([name]) => name).join(', ');
/** The record definition `json_to_recordset` reads a batch with: `id uuid, ts timestamptz, …`. */
export const COLUMN_DEFINITIONS = COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
/** An event id: a UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT4_MAX = 2_147_483_647;

/** One row of the batch parameter, keyed by column. */
interface Row {
  id: string;
  ts: string;
  kind: string | null;
  action: string | null;
  outcome: string | null;
  status: number | null;
  error_code: string | null;
  actor_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  method: string | null;
  route: string | null;
  duration_ms: number | null;
  data: unknown;
}

/**
 * Events as one statement parameter: a JSON array of rows keyed by column, for
 * `json_to_recordset`. One `JSON.stringify` of the batch costs the app a fraction of 17 array
 * parameters, and PostgreSQL reads it as fast. Values PostgreSQL would reject (NUL characters and
 * lone surrogates in text or JSON, fractional or huge integers, unserialisable data) are made
 * storable here, since a batch that can never be written would hold up every event behind it.
 */
export function batchJson(events: readonly AuditEvent[]): string {
  const rows = events.map(toRow);
  let text: string | undefined;
  try {
    text = JSON.stringify(rows);
  } catch {
    // A bigint or circular data: the exact path below handles it.
  }
  // JSON.stringify writes NUL and lone surrogates as escapes, so one search of the whole batch
  // finds them (an escaped backslash before `u0000` matches too; that only costs the slower path).
  // A batch without any `\u` (most) is told by a plain search, some ten times faster than the
  // expression over a batch's text.
  if (text !== undefined && (!text.includes('\\u') || !REJECTED_ESCAPE.test(text))) return text;
  for (const row of rows) row.data = plainData(row.data);
  return JSON.stringify(rows, cleanStrings);
}

function toRow(event: AuditEvent): Row {
  if (typeof event.id !== 'string' || !UUID.test(event.id)) {
    throw new TypeError(
      `audit event id must be a UUID, got ${JSON.stringify(String(event.id)).slice(0, 80)}`,
    );
  }
  const ts =
    event.timestamp instanceof Date ? event.timestamp : new Date(event.timestamp as unknown as string);
  if (Number.isNaN(ts.getTime())) throw new TypeError(`audit event ${event.id} has an invalid timestamp`);
  return {
    id: event.id,
    ts: isoTimestamp(ts),
    kind: optionalText(event.kind),
    action: optionalText(event.action),
    outcome: optionalText(event.outcome),
    status: optionalInt(event.status),
    error_code: optionalText(event.errorCode),
    actor_id: optionalText(event.actorId),
    resource_type: optionalText(event.resourceType),
    resource_id: optionalText(event.resourceId),
    request_id: optionalText(event.requestId),
    ip: optionalText(event.ip),
    user_agent: optionalText(event.userAgent),
    method: optionalText(event.method),
    route: optionalText(event.route),
    duration_ms: optionalInt(event.durationMs),
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
