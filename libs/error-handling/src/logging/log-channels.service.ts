import { platformRequest } from '../kernel/http-exchange';
import { Inject, Injectable, Logger as NestLogger } from '@nestjs/common';
import { Redactor } from '../redaction/redactor';
import { escapeControl } from '../kernel/escape-control';
import { LOGGING_RUNTIME } from './logging.internal-constants';
import type { LogChannelName } from './logging.options';
import type { LoggingRuntime } from './logging-runtime';
import {
  clientIp,
  currentRequestLogger,
  LOGGER_REQUEST,
  type LoggedRequest,
  safeUserId,
} from '../kernel/request-context';
import { type LogLine, logLine } from './request-line';

/** Levels a channel line can be written at. */
export type ChannelLevel = 'debug' | 'info' | 'warn' | 'error';

/** Writes lines to one channel; inside a request they carry its requestId. Objects are redacted. */
export interface ChannelLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * The `audit`, `security` and `performance` channels: lines with a `channel` field and a level
 * of their own (`logging.channels`).
 *
 * @example
 * constructor(private readonly channels: LogChannels) {}
 * this.channels.security.warn({ ip }, 'too many failed logins');
 */
@Injectable()
export class LogChannels {
  /** The `audit` channel. */
  readonly audit: ChannelLogger;
  /** The `security` channel. */
  readonly security: ChannelLogger;
  /** The `performance` channel. */
  readonly performance: ChannelLogger;

  constructor(
    private readonly redactor: Redactor,
    @Inject(LOGGING_RUNTIME) private readonly runtime: LoggingRuntime | null = null,
  ) {
    this.audit = this.channel('audit');
    this.security = this.channel('security');
    this.performance = this.channel('performance');
  }

  /**
   * Writes a line Faultline built and redacted itself (its own events) to a channel, without
   * redacting it again. The line is the caller's own copy: request fields may be added to it.
   */
  writeRedacted(name: LogChannelName, level: ChannelLevel, line: LogLine, message: string): void {
    this.emit(name, level, line, message);
  }

  /**
   * Writes an event's line (audit, security) as {@link writeRedacted} does, and returns the JSON
   * text of its fields when the line was serialised once (`SerialisedLines`) and they are the
   * event's own, for the event's stored row; undefined when it was not (pino options that shape
   * lines, a level that is off) or when the current request's fields were added to the line.
   */
  writeEvent(name: LogChannelName, level: ChannelLevel, line: LogLine, message: string): string | undefined {
    const runtime = this.runtime;
    const lines = runtime?.serialisedLines;
    if (!runtime || !lines) {
      this.emit(name, level, line, message);
      return undefined;
    }
    const logger = runtime.channels[name];
    if (!logger.isLevelEnabled(level)) return undefined;
    const added = addRequestFields(runtime, line);
    const json = lines.write(logger, level, line, message);
    return added ? undefined : json;
  }

  private emit(
    name: LogChannelName,
    level: ChannelLevel,
    clean: Record<string | symbol, unknown>,
    message: string,
  ): void {
    const runtime = this.runtime;
    if (runtime) {
      const logger = runtime.channels[name];
      if (!logger.isLevelEnabled(level)) return;
      addRequestFields(runtime, clean);
      logger[level](clean, message);
      return;
    }
    this.nestLine(name, level, clean, message);
  }

  private nestLine(
    name: LogChannelName,
    level: ChannelLevel,
    clean: Record<string | symbol, unknown>,
    message: string,
  ): void {
    const nest = new NestLogger(name);
    const text = escapeControl(`${message} ${JSON.stringify(clean)}`);
    if (level === 'error') nest.error(text);
    else if (level === 'warn') nest.warn(text);
    else if (level === 'debug') nest.debug(text);
    else nest.log(text);
  }

  private channel(name: LogChannelName): ChannelLogger {
    const write = (level: ChannelLevel, fields: Record<string, unknown>, message: string): void =>
      this.emit(name, level, logLine({ ...this.redactor.redact(fields) }), message);
    return {
      debug: (f, m) => write('debug', f, m),
      info: (f, m) => write('info', f, m),
      warn: (f, m) => write('warn', f, m),
      error: (f, m) => write('error', f, m),
    };
  }
}

/**
 * Inside a request, a line carries its requestId (and, from the request, userId and ip), written
 * through the channel's own logger: no child logger per line. An application-owned LoggerModule's
 * request context is not read. True when the request's fields were added.
 */
function addRequestFields(runtime: LoggingRuntime, clean: Record<string | symbol, unknown>): boolean {
  if (clean.requestId !== undefined || runtime.mode !== 'own') return false;
  const req = (currentRequestLogger() as unknown as Record<symbol, LoggedRequest | undefined> | undefined)?.[
    LOGGER_REQUEST
  ];
  if (!req) return false;
  clean.requestId = req.id;
  const ip = clean.ip === undefined ? clientIp(req) : undefined;
  if (ip !== undefined) clean.ip = ip;
  // A \`user\` function that throws (\`req.user.id\` before any login) counts as no user.
  const userId =
    clean.userId === undefined ? safeUserId(platformRequest(req), runtime.options.userId) : undefined;
  if (userId !== undefined) clean.userId = userId;
  return true;
}
