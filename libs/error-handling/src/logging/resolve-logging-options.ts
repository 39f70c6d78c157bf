import { hasPeer, loadPeer } from '../kernel/peer-require';
import { check, featureOptions, isPlainObject } from '../kernel/option-checks';
import type { DestinationStream, LevelWithSilent, LoggerOptions } from 'pino';
import { DEFAULT_MAX_BUFFER_BYTES } from './log-destination';
import type { FileLogOptions, LogChannelName, LoggingOptions } from './logging.options';
import { defaultUserId } from '../kernel/request-context';

/** The defaults of `logging`, as docs/logging.md's option table shows them. */
export const LOGGING_DEFAULTS = {
  level: 'info',
  pino: {},
  sync: false,
  maxBufferBytes: DEFAULT_MAX_BUFFER_BYTES,
  overflow: 'block',
  slowRequestMs: 1000,
  requestDetails: 'server-errors',
  useAsNestLogger: true,
  quietPaths: [] as string[],
} as const;

/** Logging options after defaults and validation. */
export interface ResolvedLogging {
  level: LevelWithSilent;
  format: 'json' | 'pretty';
  pino: LoggerOptions;
  destination: DestinationStream | number | string | undefined;
  sync: boolean;
  maxBufferBytes: number;
  overflow: 'block' | 'drop';
  channels: Record<LogChannelName, LevelWithSilent>;
  slowRequestMs: number;
  requestDetails: 'none' | 'server-errors' | 'all-errors';
  file: Required<FileLogOptions> | undefined;
  userId: (req: unknown) => string | number | undefined;
  useAsNestLogger: boolean;
  quietPaths: ReadonlySet<string>;
  /**
   * Set when the format defaulted to JSON only because pino-pretty is not installed: the root
   * logger says so once at start-up.
   */
  prettyUnavailable?: true;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const KNOWN: readonly (keyof LoggingOptions)[] = [
  'level',
  'format',
  'pino',
  'destination',
  'sync',
  'maxBufferBytes',
  'overflow',
  'channels',
  'slowRequestMs',
  'requestDetails',
  'file',
  'userId',
  'useAsNestLogger',
  'quietPaths',
];

/** Applies defaults and validates `logging`; `false` turns Faultline's pino setup off. */
export function resolveLogging(
  input: unknown,
  production: boolean,
  user: (req: unknown) => string | number | undefined = defaultUserId,
): ResolvedLogging | false {
  const o = featureOptions<LoggingOptions>(input, 'logging', KNOWN);
  if (!o) return false;
  level(o.level, 'logging.level');
  check(
    o.format === undefined || o.format === 'json' || o.format === 'pretty',
    'logging.format',
    "must be 'json' or 'pretty'",
  );
  check(o.pino === undefined || isPlainObject(o.pino), 'logging.pino', 'must be an object of pino options');
  check(
    o.destination === undefined ||
      (typeof o.destination === 'number' && Number.isInteger(o.destination) && o.destination >= 0) ||
      (typeof o.destination === 'string' && o.destination.trim() !== '') ||
      typeof (o.destination as { write?: unknown } | null)?.write === 'function',
    'logging.destination',
    'must be a file descriptor, a file path or a stream with a write(line) method',
  );
  check(o.sync === undefined || typeof o.sync === 'boolean', 'logging.sync', 'must be a boolean');
  check(
    o.maxBufferBytes === undefined || (Number.isInteger(o.maxBufferBytes) && o.maxBufferBytes >= 16384),
    'logging.maxBufferBytes',
    'must be a whole number of bytes >= 16384',
    `Got ${String(o.maxBufferBytes)}`,
  );
  check(
    o.overflow === undefined || o.overflow === 'block' || o.overflow === 'drop',
    'logging.overflow',
    "must be 'block' or 'drop'",
  );
  check(
    o.channels === undefined || isPlainObject(o.channels),
    'logging.channels',
    'must be an object of levels by channel',
  );
  for (const [name, value] of Object.entries(o.channels ?? {})) {
    check(
      ['audit', 'security', 'performance'].includes(name),
      `logging.channels.${name}`,
      'is not a channel',
      'Channels: audit, security, performance',
    );
    level(value, `logging.channels.${name}`);
  }
  check(
    o.slowRequestMs === undefined || (Number.isFinite(o.slowRequestMs) && (o.slowRequestMs as number) >= 0),
    'logging.slowRequestMs',
    'must be a number of milliseconds >= 0',
  );
  check(
    o.requestDetails === undefined || ['none', 'server-errors', 'all-errors'].includes(o.requestDetails),
    'logging.requestDetails',
    "must be 'none', 'server-errors' or 'all-errors'",
  );
  check(
    o.userId === undefined || typeof o.userId === 'function',
    'logging.userId',
    'must be a function (req) => id',
  );
  check(
    o.useAsNestLogger === undefined || typeof o.useAsNestLogger === 'boolean',
    'logging.useAsNestLogger',
    'must be a boolean',
  );
  check(
    o.quietPaths === undefined ||
      (Array.isArray(o.quietPaths) && o.quietPaths.every((p) => typeof p === 'string' && p.startsWith('/'))),
    'logging.quietPaths',
    'must be an array of paths starting with /',
  );
  const format = o.format ?? (production ? 'json' : 'pretty');
  // Asked for by name, pretty output needs pino-pretty (an optional peer): without it start-up
  // stops here, naming the option and the package. As a default it must never stop an
  // application, so without pino-pretty the default outside production is JSON.
  if (o.format === 'pretty') loadPeer('pino-pretty', 'logging.format', "use format 'json'");
  const prettyUnavailable = format === 'pretty' && o.format === undefined && !hasPeer('pino-pretty');
  return {
    ...(prettyUnavailable ? { prettyUnavailable: true as const } : {}),
    level: o.level ?? LOGGING_DEFAULTS.level,
    format: prettyUnavailable ? 'json' : format,
    pino: o.pino ?? LOGGING_DEFAULTS.pino,
    destination: o.destination,
    sync: o.sync ?? LOGGING_DEFAULTS.sync,
    maxBufferBytes: o.maxBufferBytes ?? LOGGING_DEFAULTS.maxBufferBytes,
    overflow: o.overflow ?? LOGGING_DEFAULTS.overflow,
    channels: { audit: 'info', security: 'info', performance: 'info', ...o.channels },
    slowRequestMs: o.slowRequestMs ?? LOGGING_DEFAULTS.slowRequestMs,
    requestDetails: o.requestDetails ?? LOGGING_DEFAULTS.requestDetails,
    file: o.file === undefined ? undefined : resolveFile(o.file),
    userId: o.userId ?? user,
    useAsNestLogger: o.useAsNestLogger ?? LOGGING_DEFAULTS.useAsNestLogger,
    quietPaths: new Set(o.quietPaths ?? LOGGING_DEFAULTS.quietPaths),
  };
}

function resolveFile(file: unknown): Required<FileLogOptions> {
  check(isPlainObject(file), 'logging.file', 'must be an object with a path');
  const f = file as unknown as FileLogOptions;
  check(
    typeof f.path === 'string' && f.path.trim() !== '',
    'logging.file.path',
    'must be a file path',
    "For example 'logs/errors.log'",
  );
  if (f.level !== undefined) level(f.level, 'logging.file.level');
  check(
    f.size === undefined ||
      (typeof f.size === 'number' && f.size > 0) ||
      (typeof f.size === 'string' && /^\d+(\.\d+)?[kmg]?$/i.test(f.size)),
    'logging.file.size',
    "must be bytes or a size like '100m'",
  );
  check(
    f.frequency === undefined ||
      f.frequency === 'daily' ||
      f.frequency === 'hourly' ||
      (typeof f.frequency === 'number' && f.frequency > 0),
    'logging.file.frequency',
    "must be 'daily', 'hourly' or milliseconds",
  );
  check(
    f.retain === undefined || (Number.isInteger(f.retain) && f.retain > 0),
    'logging.file.retain',
    'must be a whole number of files > 0',
  );
  return {
    path: f.path,
    level: f.level ?? 'error',
    size: f.size ?? '100m',
    frequency: f.frequency ?? 'daily',
    retain: f.retain ?? 30,
  };
}

function level(value: unknown, option: string): void {
  check(
    value === undefined || (typeof value === 'string' && LEVELS.includes(value)),
    option,
    `must be one of ${LEVELS.join(', ')}`,
  );
}

/** The packages Faultline's logging runs on: optional peers, loaded only when logging is on. */
export const LOGGING_PACKAGES = ['nestjs-pino', 'pino'] as const;

/**
 * `logging` resolved, with the default's one exception: left unset while nestjs-pino or pino
 * (optional peers) is not installed, logging is off and `notice` says why, instead of stopping
 * start-up; failures are then logged through Nest's Logger. Asked for explicitly, a missing
 * package stops start-up naming `logging`.
 */
export function resolveLoggingDefault(
  input: unknown,
  production: boolean,
  user: (req: unknown) => string | number | undefined = defaultUserId,
  installed: (name: string) => boolean = hasPeer,
): { options: ResolvedLogging | false; notice: string | undefined } {
  const missing = LOGGING_PACKAGES.filter((name) => !installed(name));
  if (input === undefined && missing.length > 0) {
    return {
      options: false,
      notice:
        `Faultline's logging is off: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed, ` +
        "so failures are logged through Nest's Logger without request lines. Install " +
        `${LOGGING_PACKAGES.join(' and ')} (npm install ${LOGGING_PACKAGES.join(' ')}) to turn it on, ` +
        'or set logging: false to turn it off without this notice',
    };
  }
  return { options: resolveLogging(input, production, user), notice: undefined };
}
