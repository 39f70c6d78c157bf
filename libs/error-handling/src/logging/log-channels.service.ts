import { Inject, Injectable, Logger as NestLogger, Optional } from '@nestjs/common';
import { Redactor } from '../redaction/redactor';
import { escapeControl } from './escape-control';
import { LOGGING_RUNTIME } from './logging.internal-constants';
import type { LogChannelName } from './logging.options';
import type { LoggingRuntime } from './logging-runtime';
import { ALREADY_REDACTED, currentRequestLogger } from './request-context';

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
    @Optional() @Inject(LOGGING_RUNTIME) private readonly runtime: LoggingRuntime | null = null,
  ) {
    this.audit = this.channel('audit');
    this.security = this.channel('security');
    this.performance = this.channel('performance');
  }

  private channel(name: LogChannelName): ChannelLogger {
    const write = (level: ChannelLevel, fields: Record<string, unknown>, message: string): void => {
      const clean = { ...this.redactor.redact(fields), [ALREADY_REDACTED]: true };
      const runtime = this.runtime;
      if (runtime) {
        const base = runtime.channels[name];
        // An application-owned LoggerModule's request loggers carry its raw bindings: not used.
        const context = runtime.mode === 'own' ? currentRequestLogger() : undefined;
        const logger = context ? context.child({ channel: name }, { level: base.level }) : base;
        logger[level](clean, message);
        return;
      }
      const nest = new NestLogger(name);
      const text = escapeControl(`${message} ${JSON.stringify(clean)}`);
      if (level === 'error') nest.error(text);
      else if (level === 'warn') nest.warn(text);
      else if (level === 'debug') nest.debug(text);
      else nest.log(text);
    };
    return {
      debug: (f, m) => write('debug', f, m),
      info: (f, m) => write('info', f, m),
      warn: (f, m) => write('warn', f, m),
      error: (f, m) => write('error', f, m),
    };
  }
}
