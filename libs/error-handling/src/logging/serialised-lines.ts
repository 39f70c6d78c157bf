import type { Level, Logger, LoggerOptions } from 'pino';
import type { PinoFactory } from './logging-peers';

/** The top-level fields a line of an event (audit, security) may have, request fields included. */
export const EVENT_LINE_FIELDS = [
  'requestId',
  'ip',
  'userId',
  'method',
  'route',
  'userAgent',
  'actorId',
  'id',
  'timestamp',
  'kind',
  'action',
  'outcome',
  'durationMs',
  'status',
  'errorCode',
  'resourceType',
  'resourceId',
  'data',
] as const;

type AsJson = (obj: object, msg: unknown, num: number, time: string) => string;
type Internals = Record<symbol, unknown>;

/**
 * Lines of Faultline's own events written with one `JSON.stringify` of their fields, which also
 * gives the caller that text (the audit store writes it as the event's row): pino would write
 * such a line field by field, quoting each key and value in JavaScript and joining some fifty
 * strings, which cost an audited request more than the rest of recording its event.
 *
 * The line is the one pino writes: pino's own level, time, bindings, message key and line end
 * (`pino.symbols`) around the fields, through pino's write (its `mixin`, `streamWrite` hook and
 * destination). It is used only when nothing in the options shapes the fields (a `mixin`, a
 * `logMethod` hook, `formatters.log`, `nestedKey`, `redact`, a serializer of one of the fields),
 * and for one line at a time: any other object goes to pino's own serialisation. The one
 * difference: a lone surrogate in a string is written as its `\u` escape, as `JSON.stringify`
 * does, where pino writes it as it is.
 */
export class SerialisedLines {
  /** The object being written and its JSON, while its line is being written. */
  private current: object | undefined;
  private currentJson = '';

  private constructor() {}

  /**
   * For the channel loggers of a root built with `options`, or undefined when those options shape
   * lines and every line must go through pino.
   */
  static install(
    loggers: readonly Logger[],
    options: LoggerOptions,
    pino: PinoFactory,
  ): SerialisedLines | undefined {
    if (
      options.mixin ||
      options.hooks?.logMethod ||
      options.formatters?.log ||
      options.nestedKey ||
      options.redact
    ) {
      return undefined;
    }
    const s = pino.symbols;
    const plain = loggers.every((logger) => {
      const own = logger as unknown as Internals;
      const serializers = own[s.serializersSym] as Record<string, unknown> | undefined;
      const stringifiers = own[s.stringifiersSym] as Record<string | symbol, unknown> | undefined;
      const messageKey = own[s.messageKeySym];
      return (
        typeof own[s.asJsonSym] === 'function' &&
        typeof own[s.lsCacheSym] === 'object' &&
        typeof own[s.endSym] === 'string' &&
        typeof messageKey === 'string' &&
        serializers !== undefined &&
        ![...EVENT_LINE_FIELDS, messageKey].some((key) => typeof serializers[key] === 'function') &&
        stringifiers !== undefined &&
        Reflect.ownKeys(stringifiers).length === 0
      );
    });
    if (!plain) return undefined;
    const lines = new SerialisedLines();
    for (const logger of loggers) {
      const own = logger as unknown as Internals;
      const original = own[s.asJsonSym] as AsJson;
      const asJson: AsJson = function (this: Internals, obj, msg, num, time) {
        if (obj !== lines.current || (msg !== undefined && typeof msg !== 'string')) {
          return original.call(this, obj, msg, num, time);
        }
        // As pino's own: level, time, bindings, the fields, the message, the line end.
        const json = lines.currentJson;
        const fields = json.length > 2 ? `,${json.slice(1, -1)}` : '';
        const message =
          msg === undefined ? '' : `,"${this[s.messageKeySym] as string}":${JSON.stringify(msg)}`;
        const levelText = (this[s.lsCacheSym] as Record<number, string>)[num];
        return `${levelText}${time}${this[s.chindingsSym] as string}${fields}${message}${this[s.endSym] as string}`;
      };
      own[s.asJsonSym] = asJson;
    }
    return lines;
  }

  /**
   * Writes `fields` at `level` with `message` through `logger` (one of the channel loggers or a
   * child of one), and returns their JSON; undefined when they cannot be serialised as JSON
   * (a bigint, a cycle), and then pino writes them its own way.
   */
  write(logger: Logger, level: Level, fields: object, message: string): string | undefined {
    let json: string;
    try {
      json = JSON.stringify(fields);
    } catch {
      logger[level](fields, message);
      return undefined;
    }
    this.current = fields;
    this.currentJson = json;
    try {
      logger[level](fields, message);
    } finally {
      this.current = undefined;
      this.currentJson = '';
    }
    return json;
  }
}
