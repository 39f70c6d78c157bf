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
   * `pino-pretty` package). Control characters in messages are escaped in pretty mode.
   * @default 'json' when NODE_ENV=production, else 'pretty'
   */
  format?: 'json' | 'pretty';
  /**
   * pino options passed through (for example `base`, `timestamp`, `messageKey`, `mixin`).
   * `hooks.logMethod` runs after Faultline's redaction.
   */
  pino?: LoggerOptions;
  /**
   * Where lines go instead of standard output: any pino destination stream.
   * @default standard output
   */
  destination?: DestinationStream;
  /**
   * Write each line to standard output synchronously. By default writes are asynchronous: a line
   * leaves at once when the stream is idle, and under load the lines that arrive during a write
   * go out together, which saves a system call per request. Pending lines are flushed when the
   * process exits (also through `process.exit()` and an uncaught exception), not when it is
   * killed (SIGKILL, out of memory).
   * @default false
   */
  sync?: boolean;
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
   * The user id for log lines, read from the request.
   * @default req.user.id, else req.user.sub
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
