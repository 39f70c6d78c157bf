import type { ModulesContainer } from '@nestjs/core';
import type { Params } from 'nestjs-pino';
import type { LoggingPeers } from './logging-peers';
import type { Logger } from 'pino';
import { type RequestScope, type RequestScopeCarrier, useRequestScopeCarrier } from '../kernel/request-scope';
import type { Redactor } from '../redaction/redactor';
import { FatalLogListeners } from './fatal-log';
import type { Signals } from '../kernel/signals';
import type { LogOutputStats } from './log-destination';
import type { LogChannelName } from './logging.options';
import { logLine, RequestLineBuilder } from './request-line';
import type { RequestTap } from '../kernel/request-tap';
import type { ResolvedLogging } from './resolve-logging-options';
import { createRootLogger } from './root-logger';
import { SerialisedLines } from './serialised-lines';

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
  /**
   * Called when the application starts to close: Faultline's destination writes what waits and
   * then each line at once, so no line of the shutdown waits for a turn of the event loop that
   * may never come.
   */
  writeThrough(): void;
  /** pino and nestjs-pino, as loaded for this runtime. */
  peers: LoggingPeers;
  /**
   * Writes the lines Faultline builds (request lines, audit and security events) from one
   * serialisation of their fields; undefined when the pino options shape lines.
   */
  serialisedLines: SerialisedLines | undefined;
}

/** Builds the runtime; `modules` tells whether the application has a LoggerModule of its own. */
export function createLoggingRuntime(
  logging: ResolvedLogging,
  redactor: Redactor,
  requestIdHeader: string,
  modules: ModulesContainer,
  tap: RequestTap,
  signals: Signals,
  peers: LoggingPeers,
): LoggingRuntime {
  const { LoggerModule, PinoLogger } = peers.nestjsPino;
  const loggerModules = [...modules.values()].filter((m) => m.metatype === LoggerModule).length;
  const fatal = new FatalLogListeners(signals.fatal);
  const {
    logger: root,
    output,
    errSerializer,
    writeThrough,
  } = createRootLogger(logging, redactor, peers.pino, fatal);
  if (logging.prettyUnavailable) {
    root.info(
      logLine({ context: 'Faultline' }),
      "pino-pretty is not installed, so log lines are JSON: install it (npm install pino-pretty) for pretty output, or set logging.format: 'json'",
    );
  }
  const channels = {
    audit: root.child({ channel: 'audit' }, { level: logging.channels.audit }),
    security: root.child({ channel: 'security' }, { level: logging.channels.security }),
    performance: root.child({ channel: 'performance' }, { level: logging.channels.performance }),
  };
  // On the root: its children (the channels, each request's logger) write through it.
  const serialisedLines = SerialisedLines.install(root, logging.pino, peers.pino, [errSerializer]);
  const mode = loggerModules > 1 ? 'external' : 'own';
  if (mode === 'own') useRequestScopeCarrier(nestjsPinoCarrier(root, PinoLogger));
  return {
    mode,
    options: logging,
    root,
    channels,
    lines: new RequestLineBuilder(
      logging,
      redactor,
      requestIdHeader,
      channels.performance,
      tap,
      serialisedLines,
    ),
    fatal,
    output,
    writeThrough,
    peers,
    serialisedLines,
  };
}

/**
 * nestjs-pino params for Faultline's LoggerModule. It never mounts a middleware (`forRoutes: []`):
 * in `own` mode Faultline's request middleware does the work, and otherwise the module is inert.
 *
 * `PinoLogger` writes outside any nestjs-pino context through the logger built from `pinoHttp`:
 * `pinoHttp.logger` itself with nestjs-pino 4, `pinoHttp(params).logger` with nestjs-pino 5,
 * which pino-http makes as `logger.child({}, params)`. Both write through Faultline's root, which
 * hands such lines to the current request's logger ({@link createRootLogger}), so they carry the
 * request's fields without a context of nestjs-pino's. `useExisting` is left unset so that
 * nestjs-pino sets `PinoLogger.root` itself (it skips it under `useExisting`), to that same
 * pino-http logger: a child of Faultline's root without bindings of its own, which writes as the
 * root does.
 * `wrapSerializers: false` keeps pino-http's `req`, `res` and `err` serializers off that child,
 * so its errors are serialized and redacted as the root's are.
 */
export function loggerModuleParams(runtime: LoggingRuntime | null): Params {
  if (!runtime || runtime.mode === 'external') return { useExisting: true, forRoutes: [] };
  return { pinoHttp: pinoHttpParams(runtime.root), forRoutes: [] };
}

/** `PinoLogger#runInContext` of nestjs-pino 5; nestjs-pino 4 has none. */
type RunInContext = <R>(fn: () => R, options?: { bindings?: Record<string, unknown> }) => R;

/** nestjs-pino's `PinoLogger` class, as far as the carrier uses it. */
type PinoLoggerClass = { prototype: object; new (params: Params): { readonly logger: unknown } };

/** Where the v5 carrier keeps a request's scope: on the logger of nestjs-pino's store. */
const SCOPE = Symbol('faultline.requestScope');

/**
 * Request scopes carried by nestjs-pino 5's own request context, entered through its public
 * `PinoLogger#runInContext`; undefined with nestjs-pino 4, which has no public way in (Faultline's
 * own storage carries them there).
 *
 * Entering nestjs-pino's context is what makes `PinoLogger#assign` work during a request; the
 * request's fields do not need it. Entering it as well as a storage of Faultline's own would run
 * two `AsyncLocalStorage`s per request, which on Node 22 (nestjs-pino 5's lowest) costs some
 * 9 µs more for a request of 25 promises. So the scope rides on nestjs-pino's store instead: on
 * its logger, a child of nestjs-pino's root with no bindings made per request (`bindings: {}`),
 * some hundred nanoseconds, and found again through the public `PinoLogger#logger`. The
 * children `assign()` makes inherit it. That logger has no bindings of its own, so its lines go
 * to the request's own logger like the root's ({@link createRootLogger}).
 */
export function nestjsPinoCarrier(
  root: Logger,
  pinoLogger: PinoLoggerClass,
): RequestScopeCarrier | undefined {
  const run = (pinoLogger.prototype as { runInContext?: unknown }).runInContext;
  if (typeof run !== 'function') return undefined;
  const runInContext = run as RunInContext;
  // Made with the params Faultline's LoggerModule gets, so the root nestjs-pino 5 builds from the
  // first of them is the same either way.
  const probe = new pinoLogger({ pinoHttp: pinoHttpParams(root), forRoutes: [] });
  const scopeOf = (): RequestScope | undefined =>
    (probe.logger as unknown as Record<symbol, RequestScope | undefined>)[SCOPE];
  const bindings = { bindings: {} };
  return {
    run: <R>(scope: RequestScope, fn: () => R): R =>
      runInContext.call(
        probe,
        () => {
          (probe.logger as unknown as Record<symbol, RequestScope>)[SCOPE] = scope;
          return fn();
        },
        bindings,
      ) as R,
    current: scopeOf,
  };
}

function pinoHttpParams(root: Logger): NonNullable<Params['pinoHttp']> {
  return { logger: root, wrapSerializers: false };
}
