import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Redactor } from '../redaction/redactor';
import type { FatalLogListeners } from './fatal-log';
import { openLogOutput } from './log-output';
import type { LogOutputStats } from './log-destination';
import { ALREADY_REDACTED, clientIp, LOGGER_REQUEST, type LoggedRequest } from './request-context';
import type { ResolvedLogging } from './resolve-logging-options';

type LogMethodHook = NonNullable<NonNullable<LoggerOptions['hooks']>['logMethod']>;

/** The root logger and what its output holds back. */
export interface RootLogger {
  logger: Logger;
  /** Backlog and dropped lines of Faultline's destination; undefined for an application stream. */
  output: LogOutputStats | undefined;
}

/**
 * The root pino logger: every line passes the {@link Redactor} (objects deeply, strings through
 * the value detectors); in the pretty format the output escapes what pino-pretty prints raw.
 */
export function createRootLogger(
  o: ResolvedLogging,
  redactor: Redactor,
  fatal?: FatalLogListeners,
): RootLogger {
  const options: LoggerOptions = {
    ...o.pino,
    level: o.level,
    // pino's standard `err` serializer would re-shape the plain, redacted `err` objects
    // Faultline writes (and recurse into anything with a `message`); errors are redacted here.
    serializers: {
      ...o.pino.serializers,
      err: (e: unknown) => (e instanceof Error ? redactor.redactError(e) : e),
    },
    hooks: {
      ...o.pino.hooks,
      logMethod: redactionHook(redactor, o.pino.hooks?.logMethod, o.pino.messageKey, fatal),
    },
    mixin: requestContextMixin(o, o.pino.mixin),
    // Lines with nothing to add keep their own object: no copy on the hot path.
    mixinMergeStrategy:
      o.pino.mixinMergeStrategy ??
      ((mergeObject, mixinObject) =>
        mixinObject === NO_FIELDS ? mergeObject : Object.assign(mixinObject, mergeObject)),
  };
  const output = openLogOutput(o);
  const logger = pino(options, output.stream);
  const destination = output.destination;
  if (destination) {
    destination.onDropped = (lines) =>
      logger.warn({ [ALREADY_REDACTED]: true, droppedLines: lines }, `log lines dropped: ${lines}`);
  }
  return { logger, output: destination };
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

/** pino's numeric level of `fatal`. */
const FATAL = 60;

type Mixin = NonNullable<LoggerOptions['mixin']>;
const NO_FIELDS = Object.freeze({});

/**
 * Adds `userId` (once a guard has set `req.user`) and `ip` to every line written through a
 * request's logger; request and failure lines carry them already.
 */
function requestContextMixin(o: ResolvedLogging, next: Mixin | undefined): Mixin {
  return (mergeObject, level, logger) => {
    const own = next ? next(mergeObject, level, logger) : NO_FIELDS;
    const req = (logger as unknown as Record<symbol, LoggedRequest | undefined> | undefined)?.[
      LOGGER_REQUEST
    ];
    if (!req || ALREADY_REDACTED in mergeObject) return own;
    let userId: string | number | undefined;
    try {
      userId = o.userId(req);
    } catch {
      userId = undefined;
    }
    const ip = clientIp(req);
    const fields: Record<string, unknown> = userId === undefined ? { ip } : { userId, ip };
    return next ? { ...fields, ...own } : fields;
  };
}
