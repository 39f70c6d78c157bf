import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { FaultlineConfigError } from '../errors/faultline-config.error';
import type { Redactor } from '../redaction/redactor';
import { escapeControl } from './escape-control';
import { ALREADY_REDACTED } from './request-context';
import type { ResolvedLogging } from './resolve-logging-options';

type LogMethodHook = NonNullable<NonNullable<LoggerOptions['hooks']>['logMethod']>;

/**
 * The root pino logger: every line passes the {@link Redactor} (objects deeply, strings through
 * the value detectors), and in pretty mode messages have their control characters escaped.
 */
export function createRootLogger(o: ResolvedLogging, redactor: Redactor): Logger {
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
      logMethod: redactionHook(redactor, o.format === 'pretty', o.pino.hooks?.logMethod),
    },
  };
  return pino(options, destination(o));
}

/** The `logMethod` hook that redacts every argument of every log call. */
export function redactionHook(
  redactor: Redactor,
  escapeMessages: boolean,
  next?: LogMethodHook,
): LogMethodHook {
  return function logMethod(this: Logger, args, method, level) {
    const list = args as unknown[];
    for (let i = 0; i < list.length; i++) {
      const arg = list[i];
      if (typeof arg === 'string') {
        const clean = redactor.redactString(arg);
        list[i] = escapeMessages ? escapeControl(clean) : clean;
      } else if (typeof arg === 'object' && arg !== null && !(ALREADY_REDACTED in arg)) {
        list[i] = redactor.redact(arg);
      }
    }
    if (next) return next.call(this, args, method, level);
    return method.apply(this, args);
  };
}

function destination(o: ResolvedLogging): DestinationStream {
  const main = o.format === 'pretty' ? prettyStream(o.destination) : (o.destination ?? pino.destination(1));
  if (!o.file) return main;
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
