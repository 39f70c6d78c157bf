import { tracingChannel } from 'node:diagnostics_channel';
import type { Level, Logger, LoggerOptions } from 'pino';
import type { PinoFactory } from './logging-peers';

/**
 * pino's trace of its serialisation (`tracing:pino_asJson:*`): while anything listens, every
 * line is serialised by pino, which tells it.
 */
const pinoAsJson = tracingChannel('pino_asJson');

type AsJson = (obj: object, msg: unknown, num: number, time: string) => string;
type Internals = Record<symbol, unknown>;

/**
 * Lines Faultline builds itself (its request lines, its audit and security events) written with
 * one `JSON.stringify` of their fields, which also gives the caller that text (the audit store
 * writes an event's as its row): pino would write such a line field by field, quoting each key
 * and value in JavaScript and joining some fifty strings, which cost a request more than the
 * rest of writing its line.
 *
 * The line is the one pino writes: pino's own level, time, bindings, message key and line end
 * (`pino.symbols`) around the fields, through pino's write (its `mixin`, `streamWrite` hook and
 * destination). It is used only when nothing in the options shapes the fields (a `mixin` or a
 * `mixinMergeStrategy`, a `logMethod` hook, `formatters.log`, `nestedKey`, `redact`), for a line
 * none of whose fields has a serializer, and for one line at a time: any other object goes to
 * pino's own serialisation.
 * The one difference: a lone surrogate in a string is written as its `\u` escape, as
 * `JSON.stringify` does, where pino writes it as it is.
 */
export class SerialisedLines {
  /** The object being written and its JSON, while its line is being written. */
  private current: object | undefined;
  private currentJson = '';

  /** @param shaped fields with a serializer that may change them: a line with one goes to pino. */
  private constructor(private readonly shaped: ReadonlySet<string>) {}

  /**
   * For `logger` (a root, and so its children) built with `options`, or undefined when those
   * options shape lines and every line must go through pino. `plain` are serializers that leave
   * the plain data of Faultline's lines as it is (its own `err` serializer, which reshapes only
   * `Error` instances): a field with one of those is written as it is; a field with any other
   * serializer sends its line to pino.
   */
  static install(
    logger: Logger,
    options: LoggerOptions,
    pino: PinoFactory,
    plain: readonly unknown[] = [],
  ): SerialisedLines | undefined {
    if (
      options.mixin ||
      options.mixinMergeStrategy ||
      options.hooks?.logMethod ||
      options.formatters?.log ||
      options.nestedKey ||
      options.redact
    ) {
      return undefined;
    }
    const s = pino.symbols;
    const own = logger as unknown as Internals;
    const serializers = own[s.serializersSym] as Record<string, unknown> | undefined;
    const stringifiers = own[s.stringifiersSym] as Record<string | symbol, unknown> | undefined;
    const messageKey = own[s.messageKeySym];
    const usable =
      typeof own[s.asJsonSym] === 'function' &&
      typeof own[s.lsCacheSym] === 'object' &&
      typeof own[s.endSym] === 'string' &&
      typeof messageKey === 'string' &&
      serializers !== undefined &&
      typeof serializers[messageKey] !== 'function' &&
      stringifiers !== undefined &&
      Reflect.ownKeys(stringifiers).length === 0;
    if (!usable) return undefined;
    const shaped = new Set<string>();
    for (const key of Object.keys(serializers)) {
      const serializer = serializers[key];
      if (typeof serializer === 'function' && !plain.includes(serializer)) shaped.add(key);
    }
    const lines = new SerialisedLines(shaped);
    const original = own[s.asJsonSym] as AsJson;
    const asJson: AsJson = function (this: Internals, obj, msg, num, time) {
      if (
        obj !== lines.current ||
        (msg !== undefined && typeof msg !== 'string') ||
        pinoAsJson.hasSubscribers
      ) {
        return original.call(this, obj, msg, num, time);
      }
      // As pino's own: level, time, bindings, the fields, the message, the line end.
      const json = lines.currentJson;
      const fields = json.length > 2 ? `,${json.slice(1, -1)}` : '';
      const message = msg === undefined ? '' : `,"${this[s.messageKeySym] as string}":${JSON.stringify(msg)}`;
      const levelText = (this[s.lsCacheSym] as Record<number, string>)[num];
      return `${levelText}${time}${this[s.chindingsSym] as string}${fields}${message}${this[s.endSym] as string}`;
    };
    own[s.asJsonSym] = asJson;
    return lines;
  }

  /**
   * Writes `fields` at `level` with `message` through `logger` (the logger it was installed on
   * or a child of it), and returns their JSON; undefined when pino writes them its own way: they
   * cannot be serialised as JSON (a bigint, a cycle), or a serializer may change one of them.
   */
  write(logger: Logger, level: Level, fields: object, message: string): string | undefined {
    if (this.shaped.size > 0 && this.hasShapedField(fields)) {
      logger[level](fields, message);
      return undefined;
    }
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

  private hasShapedField(fields: object): boolean {
    for (const key of Object.keys(fields)) if (this.shaped.has(key)) return true;
    return false;
  }
}
