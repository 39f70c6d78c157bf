import type { Logger, LoggerOptions } from 'pino';
import { isFastifyLifecycleLine, platformRequest } from '../kernel/http-exchange';
import { currentRequestScope } from '../kernel/request-scope';
import type { Redactor } from '../redaction/redactor';
import type { FatalLogListeners } from './fatal-log';
import type { PinoFactory } from './logging-peers';
import { openLogOutput } from './log-output';
import type { LogOutputStats } from './log-destination';
import { ALREADY_REDACTED, clientIp, LOGGER_REQUEST, type LoggedRequest } from '../kernel/request-context';
import type { ResolvedLogging } from './resolve-logging-options';
import { logLine } from './request-line';

type LogMethodHook = NonNullable<NonNullable<LoggerOptions['hooks']>['logMethod']>;

/** The root logger and what its output holds back. */
export interface RootLogger {
  logger: Logger;
  /** Backlog and dropped lines of Faultline's destination; undefined for an application stream. */
  output: LogOutputStats | undefined;
  /** Faultline's `err` serializer: it reshapes only `Error` instances, never plain data. */
  errSerializer: (e: unknown) => unknown;
  /** Writes what Faultline's destination holds, and then each line at once (no-op without one). */
  writeThrough: () => void;
}

/**
 * The root pino logger: every line passes the {@link Redactor} (objects deeply, strings through
 * the value detectors); in the pretty format the output escapes what pino-pretty prints raw.
 */
export function createRootLogger(
  o: ResolvedLogging,
  redactor: Redactor,
  pino: PinoFactory,
  fatal?: FatalLogListeners,
): RootLogger {
  const bare: { chindings?: unknown } = {};
  const errSerializer = (e: unknown): unknown => (e instanceof Error ? redactor.redactError(e) : e);
  const options: LoggerOptions = {
    ...o.pino,
    level: o.level,
    // pino's standard `err` serializer would re-shape the plain, redacted `err` objects
    // Faultline writes (and recurse into anything with a `message`); errors are redacted here.
    serializers: {
      ...o.pino.serializers,
      err: errSerializer,
    },
    hooks: {
      ...o.pino.hooks,
      logMethod: toRequestLogger(
        bare,
        pino.symbols.chindingsSym,
        redactionHook(redactor, o.pino.hooks?.logMethod, o.pino.messageKey, fatal),
      ),
    },
    mixin: requestContextMixin(o, o.pino.mixin),
    mixinMergeStrategy: mergeStrategy(o.pino.mixinMergeStrategy),
  };
  const output = openLogOutput(o, pino);
  const logger = pino(options, output.stream);
  bare.chindings = (logger as unknown as Record<symbol, unknown>)[pino.symbols.chindingsSym];
  const destination = output.destination;
  if (destination) {
    destination.onDropped = (lines) =>
      logger.warn(logLine({ droppedLines: lines }), `log lines dropped: ${lines}`);
  }
  return { logger, output: destination, errSerializer, writeThrough: () => destination?.writeThrough() };
}

/** The `logMethod` hook that redacts every argument of every log call. */
export function redactionHook(
  redactor: Redactor,
  next?: LogMethodHook,
  messageKey = 'msg',
  fatal?: FatalLogListeners,
): LogMethodHook {
  return function logMethod(this: Logger, args, method, level) {
    const list = args as unknown[];
    const first = list[0];
    // Lines Faultline built itself are redacted already, their messages are constants.
    const built = typeof first === 'object' && first !== null && ALREADY_REDACTED in first;
    if (!built && isFastifyLifecycleLine(first, list[1])) return;
    for (let i = built ? list.length : 0; i < list.length; i++) {
      const arg = list[i];
      if (typeof arg === 'string') list[i] = redactor.redactString(arg);
      else if (typeof arg === 'object' && arg !== null && !(ALREADY_REDACTED in arg)) {
        list[i] = redactor.redact(arg);
      }
    }
    // pino's fatal level is 60; listeners hear the line already redacted.
    if (level >= FATAL && fatal !== undefined) fatal.emit(list, messageKey);
    if (next) return next.call(this, args, method, level);
    return method.apply(this, args);
  };
}

/**
 * Sends a line written during a request through a logger with no bindings of its own (the root,
 * and the child pino-http makes of it for nestjs-pino: what `PinoLogger`, and through it Nest's
 * `Logger`, write with) to the request's own logger instead, which is bound to `requestId` and
 * writes to the output of the application that handles the request. nestjs-pino keeps one such
 * logger per process, the first application's, so with several applications in one process (as
 * in tests) its lines would otherwise all go to the first one's output. A logger with bindings
 * of its own (a channel, a `child()`, nestjs-pino 5's `assign()`) keeps them and its output, and
 * gets the request's fields from the root's `mixin`. For the request's own logger and its
 * children this costs one property lookup a line; for a logger without bindings, a look at the
 * current request as well.
 */
function toRequestLogger(
  bare: { chindings?: unknown },
  chindingsSym: symbol,
  next: LogMethodHook,
): LogMethodHook {
  return function logMethod(this: Logger, args, method, level) {
    const self = this as unknown as Record<symbol, unknown>;
    if (self[LOGGER_REQUEST] === undefined && self[chindingsSym] === bare.chindings) {
      const target = currentRequestScope()?.logger;
      // Lines Faultline built itself say which request they are about (or that they are about
      // none) and which output they belong to.
      const first = (args as unknown[])[0];
      const built = typeof first === 'object' && first !== null && ALREADY_REDACTED in first;
      if (target !== undefined && !built) {
        const label = this.levels.labels[level];
        const write = label === undefined ? undefined : (target as unknown as Record<string, unknown>)[label];
        if (typeof write === 'function') return write.apply(target, args) as void;
      }
    }
    return next.call(this, args, method, level);
  };
}

/** pino's numeric level of `fatal`. */
const FATAL = 60;

type Mixin = NonNullable<LoggerOptions['mixin']>;
type MergeStrategy = NonNullable<LoggerOptions['mixinMergeStrategy']>;
const NO_FIELDS = Object.freeze({});

/**
 * How the mixin's fields join a line's. Lines with nothing to add keep their own object: no copy
 * on the hot path. A strategy of the application's gets an object of its own to merge into
 * (it may write to it, as pino's default does), never the shared empty one.
 */
function mergeStrategy(own: MergeStrategy | undefined): MergeStrategy {
  if (own)
    return (mergeObject, mixinObject) => own(mergeObject, mixinObject === NO_FIELDS ? {} : mixinObject);
  return (mergeObject, mixinObject) =>
    mixinObject === NO_FIELDS ? mergeObject : Object.assign(mixinObject, mergeObject);
}

/**
 * Adds the request's fields to every line written while a request is handled, read when the
 * line is written: `userId` (once a guard has set `req.user`) and `ip` on lines of the request's
 * own logger and its children (bound to `requestId` already), and `requestId` as well on lines of
 * any other logger with bindings of its own (a `child()` of the root, nestjs-pino 5's `assign()`;
 * loggers without bindings hand their lines to the request's logger, {@link toRequestLogger}).
 * Adding the fields here costs one lookup of the current request per such line, where binding
 * them would cost a child logger per request and per logger. Request and failure lines carry
 * their fields already.
 */
function requestContextMixin(o: ResolvedLogging, next: Mixin | undefined): Mixin {
  return (mergeObject, level, logger) => {
    const own = next ? next(mergeObject, level, logger) : NO_FIELDS;
    if (ALREADY_REDACTED in mergeObject) return own;
    let req = (logger as unknown as Record<symbol, LoggedRequest | undefined> | undefined)?.[LOGGER_REQUEST];
    let requestId: string | undefined;
    if (!req) {
      const scope = currentRequestScope();
      if (scope?.request === undefined) return own;
      req = scope.request as LoggedRequest;
      requestId = scope.requestId;
    }
    let userId: string | number | undefined;
    try {
      // `req.user` is on Fastify's request on Fastify (the same object on Express).
      userId = o.userId(platformRequest(req));
    } catch {
      userId = undefined;
    }
    const ip = clientIp(req);
    // Object literals of fixed shapes: this runs for every line of a request.
    const fields: Record<string, unknown> =
      requestId === undefined
        ? userId === undefined
          ? { ip }
          : { userId, ip }
        : userId === undefined
          ? { requestId, ip }
          : { requestId, userId, ip };
    return next ? { ...fields, ...own } : fields;
  };
}
