import { loadPeer } from '../kernel/peer-require';
import { escapeControl, escapeStackHead } from '../kernel/escape-control';

/** Where pretty lines go: Faultline's own destination or the application's stream. */
export interface TextSink {
  write(text: string): unknown;
  flushSync?(): void;
  flush?(callback?: (err?: Error) => void): void;
  end?(): void;
}

/** pino-pretty's formatter, one log object in, text out (`prettyFactory`). */
type Prettify = (log: Record<string, unknown>) => string | undefined;

/** What the pretty format needs to know of the logger's pino options. */
export interface PrettyOptions {
  colorize: boolean;
  messageKey: string;
  errorKey: string;
}

/** Objects nest (errors and their causes, request bodies); past this depth a value is cut. */
const MAX_DEPTH = 32;
/** Top-level fields pino-pretty prints as they are, not as JSON strings. */
const PRINTED_RAW = new Set(['name', 'caller', 'hostname', 'pid']);

/**
 * The `pretty` format: each JSON line pino writes is parsed, made safe to print, formatted by
 * pino-pretty's `prettyFactory` and written to `sink`.
 *
 * pino-pretty prints most values as JSON strings (escaped), but some as they are: the message,
 * metadata (`name`, `caller`, ...), top-level keys, and every `stack` of an error object (`err`,
 * its `cause` chain), whose line breaks it keeps. Those are escaped here, whoever wrote the
 * line (Faultline's request lines, the application, Nest), so a crafted message, path or error
 * cannot start a line of its own: control characters become `\uXXXX`, and a stack keeps its line
 * breaks only between its trailing frame lines (`    at ...`).
 */
export class PrettyDestination {
  private readonly prettify: Prettify;
  private readonly errorKeys: ReadonlySet<string>;

  constructor(
    private readonly sink: TextSink,
    private readonly options: PrettyOptions,
  ) {
    this.prettify = loadPrettyFactory()({
      colorize: options.colorize,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      messageKey: options.messageKey,
      errorLikeObjectKeys: ['err', 'error', options.errorKey],
    });
    this.errorKeys = new Set(['err', 'error', options.errorKey]);
  }

  write(line: string): void {
    let log: unknown;
    try {
      log = JSON.parse(line);
    } catch {
      log = undefined;
    }
    if (typeof log !== 'object' || log === null || Array.isArray(log)) {
      this.sink.write(`${escapeControl(line.endsWith('\n') ? line.slice(0, -1) : line)}\n`);
      return;
    }
    const text = this.prettify(this.safe(log as Record<string, unknown>));
    if (text) this.sink.write(text);
  }

  flushSync(): void {
    this.sink.flushSync?.();
  }

  flush(callback?: (err?: Error) => void): void {
    if (this.sink.flush) this.sink.flush(callback);
    else if (callback) process.nextTick(callback);
  }

  end(): void {
    this.sink.end?.();
  }

  /** The log object with everything pino-pretty prints raw escaped (changed in place: it is ours). */
  private safe(log: Record<string, unknown>): Record<string, unknown> {
    const out = escapeKeys(log, escapeControl);
    for (const key of Object.keys(out)) {
      const value = out[key];
      if (key === this.options.messageKey || PRINTED_RAW.has(key)) {
        if (typeof value === 'string') out[key] = escapeControl(value);
      } else if (key === 'stack' && typeof value === 'string') {
        // A whole-line error (`type: 'Error'` and a stack) has its stack printed too.
        out[key] = escapeStackHead(value);
      } else {
        out[key] = safeValue(value, this.errorKeys.has(key), 0);
      }
    }
    return out;
  }
}

/**
 * A value pino-pretty prints as JSON: strings keep their JSON escapes, and what JSON leaves raw
 * (C1 controls, U+2028, U+2029) is escaped; inside an error object every `stack` has its head
 * escaped, since pino-pretty prints stacks with their line breaks.
 */
function safeValue(value: unknown, inError: boolean, depth: number): unknown {
  if (typeof value === 'string') return escapeJsonRaw(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = safeValue(value[i], inError, depth + 1);
    return value;
  }
  const record = escapeKeys(value as Record<string, unknown>, escapeJsonRaw);
  for (const key of Object.keys(record)) {
    const item = record[key];
    record[key] =
      inError && key === 'stack' && typeof item === 'string'
        ? escapeStackHead(item)
        : safeValue(item, inError, depth + 1);
  }
  return record;
}

/** Characters JSON.stringify leaves as they are, and a terminal or viewer may act on. */
const JSON_RAW = /[\u007f-\u009f\u2028\u2029]/g;

function escapeJsonRaw(text: string): string {
  JSON_RAW.lastIndex = 0;
  return JSON_RAW.test(text)
    ? text.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}

/** `record`, or a copy whose keys went through `escape` when one of them changes. */
function escapeKeys(
  record: Record<string, unknown>,
  escape: (text: string) => string,
): Record<string, unknown> {
  const keys = Object.keys(record);
  if (keys.every((key) => escape(key) === key)) return record;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    // defineProperty: a parsed `__proto__` key stays a plain field.
    Object.defineProperty(out, escape(key), {
      value: record[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function loadPrettyFactory(): (options: Record<string, unknown>) => Prettify {
  // Optional: only needed for the pretty format (resolve-logging-options picks JSON when it is
  // missing and the format was not asked for).
  return loadPeer<{ prettyFactory: (options: Record<string, unknown>) => Prettify }>(
    'pino-pretty',
    'logging.format',
    "use format 'json'",
  ).prettyFactory;
}
