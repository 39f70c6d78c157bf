import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { FaultlineConfigError } from '../errors/faultline-config.error';
import type { Redactor } from '../redaction/redactor';
import { escapeControl } from './escape-control';
import type { FatalLogListeners } from './fatal-log';
import { ALREADY_REDACTED, clientIp, LOGGER_REQUEST, type LoggedRequest } from './request-context';
import type { ResolvedLogging } from './resolve-logging-options';
import { stdoutDestination } from './stdout-destination';

type LogMethodHook = NonNullable<NonNullable<LoggerOptions['hooks']>['logMethod']>;

/**
 * The root pino logger: every line passes the {@link Redactor} (objects deeply, strings through
 * the value detectors), and in pretty mode messages have their control characters escaped.
 */
export function createRootLogger(o: ResolvedLogging, redactor: Redactor, fatal?: FatalLogListeners): Logger {
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
      logMethod: redactionHook(
        redactor,
        o.format === 'pretty',
        o.pino.hooks?.logMethod,
        o.pino.messageKey,
        fatal,
      ),
    },
    mixin: requestContextMixin(o, o.pino.mixin),
    // Lines with nothing to add keep their own object: no copy on the hot path.
    mixinMergeStrategy:
      o.pino.mixinMergeStrategy ??
      ((mergeObject, mixinObject) =>
        mixinObject === NO_FIELDS ? mergeObject : Object.assign(mixinObject, mergeObject)),
  };
  return pino(options, destination(o));
}

/** The `logMethod` hook that redacts every argument of every log call. */
export function redactionHook(
  redactor: Redactor,
  escapeMessages: boolean,
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
      if (typeof arg === 'string') {
        const clean = redactor.redactString(arg);
        list[i] = escapeMessages ? escapeControl(clean) : clean;
      } else if (typeof arg === 'object' && arg !== null && !(ALREADY_REDACTED in arg)) {
        const clean = redactor.redact(arg) as Record<string, unknown>;
        // pino-pretty prints the message key raw: a message given inside the object is escaped too.
        const message = clean[messageKey];
        if (escapeMessages && typeof message === 'string') clean[messageKey] = escapeControl(message);
        list[i] = clean;
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

function destination(o: ResolvedLogging): DestinationStream {
  const main =
    o.format === 'pretty'
      ? prettyStream(o.destination)
      : (o.destination ??
        // Asynchronous writes: a line leaves at once when the stream is idle; under load the lines
        // that arrive while a write is in flight go out together. pino flushes what is pending
        // synchronously when the process exits.
        stdoutDestination(o.sync));
  if (!o.file) return main;
  try {
    require.resolve('pino-roll');
  } catch {
    throw new FaultlineConfigError(
      'logging.file',
      'needs the pino-roll package, which is not installed',
      'Install pino-roll, or remove logging.file',
    );
  }
  const file = pino.transport({
    target: 'pino-roll',
    options: {
      file: o.file.path,
      size: o.file.size,
      frequency: o.file.frequency,
      limit: { count: o.file.retain },
      mkdir: true,
    },
  }) as DestinationStream;
  return pino.multistream([
    { stream: main, level: 'trace' },
    { stream: file, level: o.file.level },
  ]);
}

function prettyStream(target: DestinationStream | undefined): DestinationStream {
  let pretty: (options: Record<string, unknown>) => DestinationStream;
  try {
    // Optional: only needed for the pretty format.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pretty = require('pino-pretty') as typeof pretty;
  } catch {
    throw new FaultlineConfigError(
      'logging.format',
      "is 'pretty' but the pino-pretty package is not installed",
      "Install pino-pretty, or use format 'json'",
    );
  }
  return pretty({
    colorize: target === undefined && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    destination: target === undefined ? 1 : asWritable(target),
    sync: true,
  });
}

/** pino-pretty pipes into a real stream; a plain `{ write(line) }` destination is wrapped. */
function asWritable(target: DestinationStream): Writable {
  if (target instanceof Writable) return target;
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      target.write(chunk.toString());
      done();
    },
  });
}
