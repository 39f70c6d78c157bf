import type { DestinationStream, Level, LevelWithSilent, LoggerOptions } from 'pino';

/** The named log channels: child loggers with a `channel` field and a level of their own. */
export type LogChannelName = 'audit' | 'security' | 'performance';

/** Rotating file output, written by the `pino-roll` transport in a worker thread. */
export interface FileLogOptions {
  /**
   * The file to write; rotated files get a number suffix (`errors.1.log`, …). Folders are created.
   * @example 'logs/errors.log'
   */
  path: string;
  /**
   * Lowest level written to the file.
   * @default 'error'
   */
  level?: Level;
  /**
   * Rotate when the file reaches this size: `'500k'`, `'100m'`, `'1g'`; a plain number means MB.
   * @default '100m'
   */
  size?: string | number;
  /**
   * Rotate on this schedule too: `'daily'`, `'hourly'`, or milliseconds.
   * @default 'daily'
   */
  frequency?: 'daily' | 'hourly' | number;
  /**
   * How many rotated files to keep besides the active one (counted among the files this process
   * wrote). With daily rotation that is days, unless a day outgrows `size`.
   * @default 30
   */
  retain?: number;
}

/** Options of the pino logging Faultline sets up (pino, nestjs-pino and its request middleware). */
export interface LoggingOptions {
  /**
   * Lowest level written.
   * @default 'info'
   */
  level?: LevelWithSilent;
  /**
   * `json` (one JSON object a line) or `pretty` (pino-pretty, for a terminal; needs the
   * `pino-pretty` package). In pretty mode control characters are escaped wherever pino-pretty
   * would print them raw (messages, keys, the head of every error stack), so no line can be forged.
   * @default 'json' when NODE_ENV=production, else 'pretty'
   */
  format?: 'json' | 'pretty';
  /**
   * pino options passed through (for example `base`, `timestamp`, `messageKey`, `mixin`).
   * `hooks.logMethod` runs after Faultline's redaction.
   */
  pino?: LoggerOptions;
  /**
   * Where lines go instead of standard output: a file descriptor (`2` for standard error) or a
   * file path (opened for appending, folders created), both written by Faultline's destination
   * with its bounded backlog (`maxBufferBytes`, `overflow`); or any pino destination stream
   * (an object with `write(line)`), which does its own buffering.
   * @default standard output
   * @example destination: '/var/log/app/app.log'
   */
  destination?: DestinationStream | number | string;
  /**
   * Write each line synchronously, at once. By default the lines of one turn of the event loop
   * are written together at its end (with `overflow: 'drop'`, off the event loop), which saves a
   * system call per request. Pending lines are written when the process exits (also through
   * `process.exit()` and an uncaught exception), not when it is killed (SIGKILL, out of memory).
   * Not for a `destination` stream of the application's.
   * @default false
   */
  sync?: boolean;
  /**
   * Bytes of log lines that may wait to be written (the output is slower than the application,
   * or a non-blocking pipe is full) before `overflow` applies: the most memory logging holds.
   * A whole number >= 16384. Not for a `destination` stream of the application's.
   * @default 4194304 (4 MiB)
   * @example maxBufferBytes: 16 * 1024 * 1024
   */
  maxBufferBytes?: number;
  /**
   * What happens to a line when `maxBufferBytes` are waiting: `'block'` waits for the output,
   * writing synchronously until half the backlog is out, so no line is lost and a storm is slowed
   * down; `'drop'` never waits (writes happen off the event loop) and drops the line, counts it
   * in `faultline_log_lines_dropped_total`, and writes one `log lines dropped: N` warning when
   * the backlog has room again.
   * @default 'block'
   */
  overflow?: 'block' | 'drop';
  /**
   * Levels of the `audit`, `security` and `performance` channels.
   * @default { audit: 'info', security: 'info', performance: 'info' }
   */
  channels?: Partial<Record<LogChannelName, LevelWithSilent>>;
  /**
   * A request slower than this gets a `performance` channel line.
   * @default 1000
   */
  slowRequestMs?: number;
  /**
   * Which failed requests carry the redacted request (headers, query, body) in their line:
   * none, unexpected (5xx) failures, or all failures.
   * @default 'server-errors'
   */
  requestDetails?: 'none' | 'server-errors' | 'all-errors';
  /** Also write to a rotating file. @default undefined (no file) */
  file?: FileLogOptions;
  /**
   * The user id for log lines (and alerts and Sentry), read from the request; wins over the
   * module's `user` option there.
   * @default the module's `user` option (req.user.id, else req.user.sub)
   */
  userId?: (req: unknown) => string | number | undefined;
  /**
   * Route Nest's own `Logger` (and every `new Logger(context)` in the app) into pino.
   * @default true
   */
  useAsNestLogger?: boolean;
  /**
   * Paths (exact, without query) whose successful requests write no request line, for
   * example probes scraped every few seconds. Failures are always logged.
   * @default []
   */
  quietPaths?: string[];
}
