import type { ModulesContainer } from '@nestjs/core';
import { LoggerModule, type Params, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { Redactor } from '../redaction/redactor';
import { FatalLogListeners } from './fatal-log';
import type { LogOutputStats } from './log-destination';
import type { LogChannelName } from './logging.options';
import { RequestLineBuilder } from './request-line';
import type { RequestTap } from './request-tap';
import type { ResolvedLogging } from './resolve-logging-options';
import { createRootLogger } from './root-logger';

/**
 * Everything Faultline's logging needs at run time, built once from options.
 * `mode` is `own` when Faultline's request middleware writes the request lines, and `external`
 * when the application imports nestjs-pino's `LoggerModule` itself: then that module's pino-http
 * wins (request lines, transport) and Faultline writes only its own, already redacted, lines.
 */
export interface LoggingRuntime {
  mode: 'own' | 'external';
  options: ResolvedLogging;
  root: Logger;
  channels: Record<LogChannelName, Logger>;
  lines: RequestLineBuilder;
  /** Listeners for `fatal` lines of the root logger and its children. */
  fatal: FatalLogListeners;
  /** The backlog of Faultline's log destination (for metrics); undefined for an application stream. */
  output: LogOutputStats | undefined;
}

/** Builds the runtime; `modules` tells whether the application has a LoggerModule of its own. */
export function createLoggingRuntime(
  logging: ResolvedLogging,
  redactor: Redactor,
  requestIdHeader: string,
  modules: ModulesContainer,
  tap: RequestTap,
): LoggingRuntime {
  const loggerModules = [...modules.values()].filter((m) => m.metatype === LoggerModule).length;
  const fatal = new FatalLogListeners();
  const { logger: root, output } = createRootLogger(logging, redactor, fatal);
  const channels = {
    audit: root.child({ channel: 'audit' }, { level: logging.channels.audit }),
    security: root.child({ channel: 'security' }, { level: logging.channels.security }),
    performance: root.child({ channel: 'performance' }, { level: logging.channels.performance }),
  };
  return {
    mode: loggerModules > 1 ? 'external' : 'own',
    options: logging,
    root,
    channels,
    lines: new RequestLineBuilder(logging, redactor, requestIdHeader, channels.performance, tap),
    fatal,
    output,
  };
}

/**
 * nestjs-pino params for Faultline's LoggerModule. It never mounts a middleware: in `own` mode
 * Faultline's request middleware puts each request's logger in nestjs-pino's storage, and
 * `PinoLogger` writes through Faultline's root logger outside requests; otherwise it is inert.
 */
export function loggerModuleParams(runtime: LoggingRuntime | null): Params {
  if (!runtime || runtime.mode === 'external') return { useExisting: true, forRoutes: [] };
  // nestjs-pino sets PinoLogger.root when it creates pino-http itself; here it is Faultline's root.
  (PinoLogger as unknown as { root: unknown }).root = runtime.root;
  return { pinoHttp: { logger: runtime.root }, useExisting: true, forRoutes: [] };
}
