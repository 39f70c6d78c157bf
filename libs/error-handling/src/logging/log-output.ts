import { existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { isatty } from 'node:tty';
import type { DestinationStream } from 'pino';
import type { PinoFactory } from './logging-peers';
import { resolvePeer } from '../kernel/peer-require';
import { FaultlineConfigError } from '../kernel/faultline-config.error';
import { LogDestination } from './log-destination';
import { PrettyDestination, type TextSink } from './pretty-destination';
import type { ResolvedLogging } from './resolve-logging-options';

/** Where the root logger writes, and Faultline's own destination among it, if any. */
export interface LogOutput {
  /** The stream given to pino. */
  stream: DestinationStream;
  /**
   * Faultline's destination with the bounded backlog: on standard output, or on the file
   * descriptor or file given as `destination`; undefined when the application gave a stream.
   */
  destination: LogDestination | undefined;
}

/**
 * Builds the output of the root logger from `logging`: Faultline's {@link LogDestination} on
 * standard output (or the fd or path of `destination`), or the application's stream; formatted
 * by {@link PrettyDestination} in the pretty format; with the rotating file beside it.
 */
export function openLogOutput(o: ResolvedLogging, pino: PinoFactory): LogOutput {
  const own = ownDestination(o);
  const target = own ?? (o.destination as DestinationStream);
  const fd = o.destination === undefined ? 1 : o.destination;
  const main: DestinationStream =
    o.format === 'pretty'
      ? new PrettyDestination(target as TextSink, {
          colorize: typeof fd === 'number' && isatty(fd),
          messageKey: o.pino.messageKey ?? 'msg',
          errorKey: o.pino.errorKey ?? 'err',
        })
      : target;
  if (!o.file) return { stream: main, destination: own };
  // By path: pino resolves a bare name from the file that calls it, which an ES module build
  // does not tell it the same way.
  const file = pino.transport({
    target: resolvePeer('pino-roll', 'logging.file', 'remove logging.file'),
    options: {
      file: o.file.path,
      size: o.file.size,
      frequency: o.file.frequency,
      limit: { count: o.file.retain },
      mkdir: true,
    },
  }) as DestinationStream;
  const stream = pino.multistream([
    { stream: main, level: 'trace' },
    { stream: file, level: o.file.level },
  ]);
  return { stream, destination: own };
}

/** Faultline's destination, unless `destination` is a stream of the application's. */
function ownDestination(o: ResolvedLogging): LogDestination | undefined {
  const d = o.destination;
  if (typeof d === 'object') return undefined;
  const options = { sync: o.sync, maxBufferBytes: o.maxBufferBytes, overflow: o.overflow };
  if (typeof d !== 'string') return new LogDestination({ ...options, fd: d ?? 1 });
  let fd: number;
  try {
    const folder = dirname(d);
    if (!existsSync(folder)) mkdirSync(folder, { recursive: true });
    fd = openSync(d, 'a');
  } catch (err) {
    throw new FaultlineConfigError(
      'logging.destination',
      `cannot be opened (${err instanceof Error ? err.message : String(err)})`,
      'Give a writable file path, a file descriptor or a stream',
    );
  }
  return new LogDestination({ ...options, fd, ownsFd: true });
}
