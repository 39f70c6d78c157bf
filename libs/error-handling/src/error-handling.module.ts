import {
  type DynamicModule,
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
  Optional,
  type PipeTransform,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_PIPE, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { AuditGuard } from './audit/audit.guard';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AUDIT_RUNTIME } from './audit/audit.internal-constants';
import { AuditService } from './audit/audit.service';
import { SecurityEvents } from './audit/security-events.service';
import { AuditStore } from './audit/audit-store.interface';
import { SecurityCounterStore } from './audit/security-counter.store';
import { AlertChannel } from './alerts/alert-channel.interface';
import { AlertService } from './alerts/alert.service';
import { ALERTS_RUNTIME } from './alerts/alerts.internal-constants';
import { SENTRY_RUNTIME } from './sentry/sentry.internal-constants';
import { SentryReporter } from './sentry/sentry.reporter';
import { LoggerModule, Logger as PinoNestLogger } from 'nestjs-pino';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableErrorHandlingModule,
  ERROR_HANDLING_MODULE_OPTIONS,
  OPTIONS_TYPE,
} from './error-handling.module-definition';
import { ExceptionRegistry } from './errors/exception-registry';
import { FailureEvents } from './kernel/failure-events';
import { BUILT_IN_MAPPERS } from './errors/mappers/built-in.mappers';
import { CLOCK, EXTENSION_FAULTS, RESOLVED_OPTIONS, USER } from './kernel/tokens';
import { bodyParserErrorMiddleware } from './filter/body-parser-error.middleware';
import { ProblemBuilder } from './filter/problem-builder';
import { ProblemDetailsFilter } from './filter/problem-details.filter';
import { RequestIdMiddleware } from './filter/request-id.middleware';
import { escapeControl } from './kernel/escape-control';
import { FailureLog } from './logging/failure-log.service';
import { LogChannels } from './logging/log-channels.service';
import { HealthProbes } from './health/health-probes.service';
import { HEALTH_RUNTIME } from './health/health.internal-constants';
import { Readiness } from './health/readiness.service';
import { LOGGING_RUNTIME, REQUEST_TAP } from './logging/logging.internal-constants';
import { ExtensionFaults } from './faults/extension-faults';
import { GuardedRequestTap } from './faults/guarded-request-tap';
import { ProcessErrors } from './faults/process-errors.service';
import type { Clock } from './kernel/clock';
import { httpPlatform, linkFastifyRequests } from './kernel/http-exchange';
import type { RequestTap } from './kernel/request-tap';
import { RequestTapMiddleware } from './logging/request-tap.middleware';
import { MetricSources } from './kernel/metric-sources';
import { loggingMetrics } from './logging/logging-metrics';
import { METRICS_RUNTIME } from './metrics/metrics.internal-constants';
import { MetricsService } from './metrics/metrics.service';
import { createLoggingRuntime, loggerModuleParams, type LoggingRuntime } from './logging/logging-runtime';
import { Redactor } from './redaction/redactor';
import { FaultlineValidationPipe } from './validation/validation.pipe';
import { resolveOptions, type ResolvedOptions } from './resolve-options';

/**
 * Holds the options and what is built from them, shared by Faultline and its LoggerModule. It
 * mounts Faultline's request middleware: as the deepest of Faultline's modules its middleware
 * comes before that of the application's modules, so every request has its id and logger first.
 */
@Module({})
class FaultlineCoreModule implements NestModule {
  constructor(
    @Inject(LOGGING_RUNTIME) private readonly logging: LoggingRuntime | null,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    // On Fastify, Faultline's request middleware runs in a Fastify hook of its own instead
    // (see ErrorHandlingModule#onModuleInit): a Nest middleware costs a pass through middie.
    if (httpPlatform(this.adapterHost.httpAdapter?.getType()) === 'fastify') return;
    if (this.logging?.mode === 'own') {
      consumer.apply(this.logging.lines.middleware(this.logging.root)).forRoutes('*');
    }
  }
}

const CORE_PROVIDERS: Provider[] = [
  { provide: RESOLVED_OPTIONS, useFactory: resolveOptions, inject: [ERROR_HANDLING_MODULE_OPTIONS] },
  {
    provide: Redactor,
    useFactory: (o: ResolvedOptions) => new Redactor(o.redaction),
    inject: [RESOLVED_OPTIONS],
  },
  { provide: CLOCK, useFactory: (o: ResolvedOptions) => o.clock, inject: [RESOLVED_OPTIONS] },
  {
    provide: USER,
    // `logging.userId` falls back to the `user` option already.
    useFactory: (o: ResolvedOptions) => (o.logging ? o.logging.userId : o.user),
    inject: [RESOLVED_OPTIONS],
  },
  // A finish listener that throws is reported, not thrown into the response's 'finish' event.
  { provide: REQUEST_TAP, useFactory: () => new GuardedRequestTap() },
  MetricSources,
  {
    provide: LOGGING_RUNTIME,
    useFactory: (
      o: ResolvedOptions,
      redactor: Redactor,
      modules: ModulesContainer,
      tap: RequestTap,
      metrics: MetricSources,
    ): LoggingRuntime | null => {
      const runtime = o.logging
        ? createLoggingRuntime(o.logging, redactor, o.requestIdHeader, modules, tap)
        : null;
      metrics.add(...loggingMetrics(runtime?.fatal, runtime?.output));
      return runtime;
    },
    inject: [RESOLVED_OPTIONS, Redactor, ModulesContainer, REQUEST_TAP, MetricSources],
  },
];
const CORE_EXPORTS = [
  ERROR_HANDLING_MODULE_OPTIONS,
  RESOLVED_OPTIONS,
  CLOCK,
  USER,
  Redactor,
  LOGGING_RUNTIME,
  REQUEST_TAP,
  MetricSources,
];

/** A pipe that passes values through: the global pipe when validation is turned off. */
const passThroughPipe: PipeTransform = { transform: (value: unknown) => value };

const PROVIDERS: Provider[] = [
  {
    // What extension points catch (mappers, failure subscribers, listeners), logged rate-limited.
    provide: EXTENSION_FAULTS,
    useFactory: (redactor: Redactor, logging: LoggingRuntime | null, clock: Clock, tap: RequestTap) => {
      const faults = new ExtensionFaults(redactor, logging, clock);
      if (tap instanceof GuardedRequestTap) tap.reportTo(faults);
      return faults;
    },
    inject: [Redactor, LOGGING_RUNTIME, CLOCK, REQUEST_TAP],
  },
  {
    provide: ExceptionRegistry,
    useFactory: (o: ResolvedOptions) => new ExceptionRegistry(BUILT_IN_MAPPERS, o.mappers),
    inject: [RESOLVED_OPTIONS],
  },
  ProblemBuilder,
  FailureEvents,
  FailureLog,
  LogChannels,
  ProblemDetailsFilter,
  { provide: APP_FILTER, useExisting: ProblemDetailsFilter },
  { provide: AUDIT_RUNTIME, useFactory: (o: ResolvedOptions) => o.audit, inject: [RESOLVED_OPTIONS] },
  AuditService,
  SecurityEvents,
  AuditInterceptor,
  // The pluggable parts in use, injectable by their tokens (null when audit is off or has no store).
  {
    provide: AuditStore,
    useFactory: (o: ResolvedOptions) => (o.audit ? (o.audit.store ?? null) : null),
    inject: [RESOLVED_OPTIONS],
  },
  {
    provide: SecurityCounterStore,
    useFactory: (o: ResolvedOptions) => (o.audit ? o.audit.security.counterStore : null),
    inject: [RESOLVED_OPTIONS],
  },
  AuditGuard,
  { provide: HEALTH_RUNTIME, useFactory: (o: ResolvedOptions) => o.health, inject: [RESOLVED_OPTIONS] },
  Readiness,
  HealthProbes,
  { provide: METRICS_RUNTIME, useFactory: (o: ResolvedOptions) => o.metrics, inject: [RESOLVED_OPTIONS] },
  MetricsService,
  { provide: ALERTS_RUNTIME, useFactory: (o: ResolvedOptions) => o.alerts, inject: [RESOLVED_OPTIONS] },
  AlertService,
  { provide: SENTRY_RUNTIME, useFactory: (o: ResolvedOptions) => o.sentry, inject: [RESOLVED_OPTIONS] },
  SentryReporter,
  ProcessErrors,
  {
    provide: AlertChannel,
    useFactory: (o: ResolvedOptions) => (o.alerts ? o.alerts.channels : []),
    inject: [RESOLVED_OPTIONS],
  },
  {
    provide: APP_PIPE,
    useFactory: (o: ResolvedOptions) =>
      o.validation === false ? passThroughPipe : new FaultlineValidationPipe(o.validation),
    inject: [RESOLVED_OPTIONS],
  },
];

/**
 * Production-grade error handling in one import: the global problem+json exception filter,
 * structured logging with request context (nestjs-pino), the validation pipe and the redactor.
 *
 * @example
 * @Module({ imports: [ErrorHandlingModule.forRoot({ problemTypeBaseUrl: 'https://errors.example.com' })] })
 * export class AppModule {}
 */
@Module({})
export class ErrorHandlingModule extends ConfigurableErrorHandlingModule implements NestModule, OnModuleInit {
  private readonly logger = new Logger('Faultline');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
    @Inject(LOGGING_RUNTIME) private readonly logging: LoggingRuntime | null,
    @Optional() private readonly pinoNestLogger?: PinoNestLogger,
  ) {
    super();
  }

  /** Configures Faultline with options known now. */
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return assemble(super.forRoot(options));
  }

  /** Configures Faultline with options from a factory (`imports`, `inject`, `useFactory`). */
  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRootAsync(options));
  }

  configure(consumer: MiddlewareConsumer): void {
    // With Faultline's own request logging, its request middleware assigns the request id.
    if (this.logging?.mode !== 'own') consumer.apply(RequestIdMiddleware).forRoutes('*');
    // Metrics, the shutdown drain and the error-rate alert hear of each request from
    // Faultline's request middleware; without it, from a middleware of their own.
    const alerts = this.options.alerts;
    const countsRequests =
      this.options.metrics || this.options.health || (alerts && alerts.active && alerts.errorRate);
    if (this.logging?.mode !== 'own' && countsRequests) {
      consumer.apply(RequestTapMiddleware).forRoutes('*');
    }
  }

  onModuleInit(): void {
    if (this.logging?.mode === 'own' && this.logging.options.useAsNestLogger && this.pinoNestLogger) {
      Logger.overrideLogger(this.pinoNestLogger);
      Logger.flush();
    }
    if (this.logging?.mode === 'external') {
      this.logger.log(
        'nestjs-pino LoggerModule found in the application: its pino-http writes the request lines',
      );
    }
    for (const notice of this.options.notices) this.logger.log(notice);
    if (this.options.debugInProduction) {
      const env = this.options.nodeEnv;
      this.logger.warn(
        `debug mode is on while NODE_ENV=${env === undefined || env === '' ? '(unset)' : escapeControl(env)}, ` +
          'which counts as production: error bodies show stacks and request data',
      );
    }
    const adapter = this.adapterHost.httpAdapter;
    const platform = httpPlatform(adapter?.getType());
    // Routes are registered by now and Nest adds its own error handler after this hook.
    if (platform === 'express') adapter.use(bodyParserErrorMiddleware);
    // Fastify's request and reply wrap Node's: Faultline's hook links the two for every request,
    // and runs Faultline's request middleware when its logging writes the request lines.
    if (platform === 'fastify') {
      const logging = this.logging;
      linkFastifyRequests(
        adapter.getInstance(),
        logging?.mode === 'own'
          ? {
              middleware: logging.lines.middleware(logging.root, false),
              idHeader: this.options.requestIdHeader,
            }
          : undefined,
      );
    }
  }
}

/** Splits the generated module: options go to a core module shared with nestjs-pino's LoggerModule. */
function assemble(generated: DynamicModule): DynamicModule {
  const core: DynamicModule = {
    module: FaultlineCoreModule,
    imports: generated.imports ?? [],
    providers: [...(generated.providers ?? []), ...CORE_PROVIDERS],
    exports: CORE_EXPORTS,
  };
  const pino = LoggerModule.forRootAsync({
    imports: [core],
    inject: [LOGGING_RUNTIME],
    useFactory: loggerModuleParams,
  });
  return {
    ...generated,
    imports: [core, pino],
    providers: PROVIDERS,
    exports: [
      core,
      ExceptionRegistry,
      ProblemDetailsFilter,
      LogChannels,
      FailureLog,
      FailureEvents,
      AuditService,
      SecurityEvents,
      AuditInterceptor,
      AuditGuard,
      AuditStore,
      SecurityCounterStore,
      Readiness,
      HealthProbes,
      MetricsService,
      AlertService,
      AlertChannel,
      SentryReporter,
    ],
  };
}
