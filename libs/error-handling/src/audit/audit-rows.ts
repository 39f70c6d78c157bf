import type { AuditEvent, AuditKind, AuditOutcome } from './audit-event.interface';

// Rows of the audit table: events as statement parameters, and rows back as events.

/** Columns in statement order, with the type of each one's array parameter. */
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
/** An event id: a UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT4_MAX = 2_147_483_647;

/**
 * Events as statement parameters: one array a column. Values PostgreSQL would reject (NUL
 * characters, lone surrogates in JSON, fractional or huge integers, unserialisable data) are
 * made storable here, since a batch that can never be written would hold up every event behind it.
 */
export function columnArrays(events: readonly AuditEvent[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => new Array<unknown>(events.length));
  events.forEach((event, r) => {
    if (typeof event.id !== 'string' || !UUID.test(event.id)) {
      throw new TypeError(
        `audit event id must be a UUID, got ${JSON.stringify(String(event.id)).slice(0, 80)}`,
      );
    }
    const ts =
      event.timestamp instanceof Date ? event.timestamp : new Date(event.timestamp as unknown as string);
    if (Number.isNaN(ts.getTime())) throw new TypeError(`audit event ${event.id} has an invalid timestamp`);
    const values = [
      event.id,
      ts.toISOString(),
      optionalText(event.kind),
      optionalText(event.action),
      optionalText(event.outcome),
      optionalInt(event.status),
      optionalText(event.errorCode),
      optionalText(event.actorId),
      optionalText(event.resourceType),
      optionalText(event.resourceId),
      optionalText(event.requestId),
      optionalText(event.ip),
      optionalText(event.userAgent),
      optionalText(event.method),
      optionalText(event.route),
      optionalInt(event.durationMs),
      jsonData(event.data),
    ];
    for (let c = 0; c < values.length; c++) columns[c][r] = values[c];
  });
  return columns;
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
  return value === undefined || value === null ? null : cleanText(String(value));
}

function optionalInt(value: unknown): number | null {
  const n = typeof value === 'number' ? value : value === undefined || value === null ? NaN : Number(value);
  if (!Number.isFinite(n)) return null;
  return Math.max(-INT4_MAX, Math.min(INT4_MAX, Math.round(n)));
}

/** NUL and unpaired surrogates: jsonb rejects them (JSON.stringify writes them as escapes). */
// eslint-disable-next-line no-control-regex
const JSONB_REJECTS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanJsonString(value: string): string {
  return value.replace(JSONB_REJECTS, '\uFFFD');
}

/**
 * `\u0000` and unpaired surrogates as JSON.stringify escapes them. An escaped backslash before
 * `u0000` matches too; that only sends the value down the slower, exact path.
 */
const REJECTED_ESCAPE = /\\u(?:0000|d[89a-f])/i;

function safeStringify(data: unknown): string | undefined {
  try {
    return JSON.stringify(data);
  } catch {
    return undefined;
  }
}

function jsonData(data: unknown): string | null {
  if (data === undefined || data === null) return null;
  // Fast path: plain JSON, unless it holds an escape jsonb rejects (or a bigint, which throws).
  const plain = safeStringify(data);
  if (plain !== undefined && !REJECTED_ESCAPE.test(plain)) return plain;
  try {
    const text = JSON.stringify(data, function (this: unknown, _key: string, value: unknown) {
      if (typeof value === 'string') return cleanJsonString(value);
      if (typeof value === 'bigint') return value.toString();
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const keys = Object.keys(value);
        if (keys.some((k) => cleanJsonString(k) !== k)) {
          return Object.fromEntries(
            keys.map((k) => [cleanJsonString(k), (value as Record<string, unknown>)[k]]),
          );
        }
      }
      return value;
    });
    return text === undefined ? null : text;
  } catch (err) {
    // Circular data, a throwing toJSON: keep the event, say why its data is missing.
    return JSON.stringify({
      _unserializable: cleanJsonString(err instanceof Error ? err.message : String(err)),
    });
  }
}
