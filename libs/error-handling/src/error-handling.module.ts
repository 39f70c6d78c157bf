import {
  type DynamicModule,
  type ExceptionFilter,
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleDestroy,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import {
  APP_FILTER,
  APP_PIPE,
  ApplicationConfig,
  HttpAdapterHost,
  ModuleRef,
  ModulesContainer,
} from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AlertsModule } from './alerts/alerts.module';
import { SentryModule } from './sentry/sentry.module';
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
import { answerUnknownRoutes } from './filter/unknown-routes';
import { OperationFailures } from './filter/operation-failures';
import { SseStreams } from './filter/sse-streams';
import { GatewayFilters } from './filter/gateway-filters';
import { FaultlineApolloPlugin } from './filter/graphql-plugin';
import { RequestIdMiddleware } from './filter/request-id.middleware';
import { escapeControl } from './kernel/escape-control';
import { FaultlineConfigError } from './kernel/faultline-config.error';
import { FailureLog } from './logging/failure-log.service';
import { LogChannels } from './logging/log-channels.service';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { HEALTH_RUNTIME } from './health/health.internal-constants';
import { Readiness } from './health/readiness.service';
import { LOGGING_RUNTIME, REQUEST_TAP } from './logging/logging.internal-constants';
import { ExtensionFaults } from './faults/extension-faults';
import { GuardedRequestTap } from './faults/guarded-request-tap';
import { ProcessErrorsModule } from './faults/process-errors.module';
import type { Clock } from './kernel/clock';
import { httpPlatform, linkFastifyRequests } from './kernel/http-exchange';
import type { RequestTap } from './kernel/request-tap';
import { RequestTapMiddleware } from './logging/request-tap.middleware';
import { MetricSources } from './kernel/metric-sources';
import { Signals } from './kernel/signals';
import { SHARED_REDIS, SharedRedis } from './kernel/shared-redis';
import { ManagementServer } from './kernel/management-server';
import { OpsEndpoints } from './kernel/ops-endpoints';
import { loggingMetrics } from './logging/logging-metrics';
import { MetricsModule } from './metrics/metrics.module';
import { createLoggingRuntime, loggerModuleParams, type LoggingRuntime } from './logging/logging-runtime';
import { loadLoggingPeers } from './logging/logging-peers';
import { Redactor } from './redaction/redactor';
import { FaultlineValidationPipe } from './validation/validation.pipe';
import { GlobalValidationPipe } from './validation/global-validation.pipe';
import { resolveOptions, type ResolvedOptions } from './resolve-options';
import type { ErrorHandlingModuleOptions } from './error-handling.options';

/**
 * The kernel: the options and what every feature is built on (the redactor, the clock, the
 * request tap, the failure bus, the signals, the logging runtime, readiness). Each feature module
 * imports it; the application does not see it, only the public services re-exported by
 * {@link ErrorHandlingModule}. It mounts Faultline's request middleware on the platform itself,
 * while Nest gathers the modules' middleware and before it mounts any: the application's own
 * Nest middleware runs after it (whatever order Nest gives modules, which differs between its
 * versions), so every request has its id and logger first.
 */
@Module({})
class FaultlineKernelModule implements NestModule {
  constructor(
    @Inject(LOGGING_RUNTIME) private readonly logging: LoggingRuntime | null,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  configure(): void {
    // On Fastify, Faultline's request middleware runs in a Fastify hook of its own instead
    // (see ErrorHandlingModule#onModuleInit): a Nest middleware costs a pass through middie.
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || httpPlatform(adapter.getType()) === 'fastify') return;
    if (this.logging?.mode === 'own') adapter.use(this.logging.lines.middleware(this.logging.root));
  }
}

/** The kernel's services an application may inject, re-exported by ErrorHandlingModule. */
const PUBLIC_KERNEL = [
  ERROR_HANDLING_MODULE_OPTIONS,
  Redactor,
  ExceptionRegistry,
  FailureEvents,
  LogChannels,
  Readiness,
  ManagementServer,
];
/** The internal name under which the kernel hands each of them to ErrorHandlingModule. */
const kernelAlias = (token: (typeof PUBLIC_KERNEL)[number]): string =>
  `FAULTLINE:KERNEL:${typeof token === 'function' ? token.name : String(token)}`;

const KERNEL_PROVIDERS: Provider[] = [
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
  Signals,
  {
    provide: LOGGING_RUNTIME,
    // pino and nestjs-pino are loaded only when logging is on.
    useFactory: async (
      o: ResolvedOptions,
      redactor: Redactor,
      modules: ModulesContainer,
      tap: RequestTap,
      metrics: MetricSources,
      signals: Signals,
    ): Promise<LoggingRuntime | null> => {
      const runtime = o.logging
        ? createLoggingRuntime(
            o.logging,
            redactor,
            o.requestIdHeader,
            modules,
            tap,
            signals,
            await loadLoggingPeers(),
          )
        : null;
      metrics.add(...loggingMetrics(runtime?.fatal, runtime?.output));
      return runtime;
    },
    inject: [RESOLVED_OPTIONS, Redactor, ModulesContainer, REQUEST_TAP, MetricSources, Signals],
  },
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
  FailureEvents,
  FailureLog,
  LogChannels,
  // Readiness runs the shutdown drain with the probes off too.
  { provide: HEALTH_RUNTIME, useFactory: (o: ResolvedOptions) => o.health, inject: [RESOLVED_OPTIONS] },
  Readiness,
  // The `redis` option's one client, for every part that shares counts (null without it).
  {
    provide: SHARED_REDIS,
    useFactory: (o: ResolvedOptions) => (o.redis ? new SharedRedis(o.redis) : null),
    inject: [RESOLVED_OPTIONS],
  },
  // The probes and the metrics, on the application's port or the management server.
  ManagementServer,
  OpsEndpoints,
  ...PUBLIC_KERNEL.map((token) => ({ provide: kernelAlias(token), useExisting: token })),
];

/** The global exception filter. */
const FILTER_PROVIDERS: Provider[] = [
  ProblemBuilder,
  ProblemDetailsFilter,
  FaultlineApolloPlugin,
  OperationFailures,
  SseStreams,
  GatewayFilters,
  { provide: APP_FILTER, useExisting: ProblemDetailsFilter },
];

const VALIDATION_PIPE: Provider = {
  provide: APP_PIPE,
  useFactory: (o: ResolvedOptions, config: ApplicationConfig) =>
    new GlobalValidationPipe(
      o.validation === false ? undefined : new FaultlineValidationPipe(o.validation),
      config,
      o.validationExplicit,
    ),
  inject: [RESOLVED_OPTIONS, ApplicationConfig],
};

/** The feature modules, each loaded unless its option is `false`. */
const FEATURES = {
  audit: AuditModule,
  health: HealthModule,
  metrics: MetricsModule,
  alerts: AlertsModule,
  sentry: SentryModule,
  processErrors: ProcessErrorsModule,
} as const;

/**
 * Production-grade error handling in one import: the global problem+json exception filter,
 * structured logging with request context (nestjs-pino), the validation pipe and the redactor.
 *
 * @example
 * @Module({ imports: [ErrorHandlingModule.forRoot({ problemTypeBaseUrl: 'https://errors.example.com' })] })
 * export class AppModule {}
 */
@Module({})
export class ErrorHandlingModule
  extends ConfigurableErrorHandlingModule
  implements NestModule, OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger('Faultline');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
    @Inject(LOGGING_RUNTIME) private readonly logging: LoggingRuntime | null,
    private readonly moduleRef: ModuleRef,
  ) {
    super();
  }

  /** Configures Faultline with options known now. */
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return assemble(super.forRoot(options), options);
  }

  /** Configures Faultline with options from a factory (`imports`, `inject`, `useFactory`). */
  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRootAsync(options), undefined);
  }

  configure(consumer: MiddlewareConsumer): void {
    // Before Nest builds the routes' exception handlers, which copy the global filters.
    this.yieldToApplicationFilters();
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

  /**
   * Makes Faultline's filter the last global filter Nest tries, as if registered first: a global
   * filter of the application (`APP_FILTER`, `useGlobalFilters()` before start-up), usually for
   * some exceptions of its own, still answers those; Faultline's answers the rest. Nest tries the
   * last registered first, and the application's module registers its `APP_FILTER` before the
   * modules it imports. Called again at init for the transports whose handlers are made later.
   */
  private yieldToApplicationFilters(): readonly ExceptionFilter[] {
    const filter = this.moduleRef.get(ProblemDetailsFilter, { strict: false });
    const filters = this.moduleRef.get(ApplicationConfig, { strict: false }).getGlobalFilters();
    const at = filters.indexOf(filter);
    if (at > 0) {
      filters.splice(at, 1);
      filters.unshift(filter);
    }
    return filters.filter((f) => f !== filter);
  }

  onModuleInit(): void {
    const others = this.yieldToApplicationFilters();
    if (others.length > 0) {
      const names = others.map((f) => escapeControl(String(f.constructor?.name ?? 'a filter')));
      this.logger.log(
        `global exception filters of the application come before Faultline's: ${names.join(', ')}. ` +
          "Exceptions they catch are answered by them; Faultline's filter answers the others",
      );
    }
    const logging = this.logging;
    if (logging?.mode === 'own' && logging.options.useAsNestLogger) {
      Logger.overrideLogger(this.moduleRef.get(logging.peers.nestjsPino.Logger, { strict: false }));
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
    // Nest registers its handler of unknown routes after this hook.
    const filter = this.moduleRef.get(ProblemDetailsFilter, { strict: false });
    answerUnknownRoutes(adapter, filter, () => {
      const filters = this.moduleRef.get(ApplicationConfig, { strict: false }).getGlobalFilters();
      return filters.length > 0 && filters.every((f) => f === filter);
    });
    // Fastify's request and reply wrap Node's: Faultline's hook links the two for every request,
    // and runs Faultline's request middleware when its logging writes the request lines.
    if (platform === 'fastify') {
      const logging = this.logging;
      linkFastifyRequests(
        adapter,
        logging?.mode === 'own'
          ? {
              middleware: logging.lines.middleware(logging.root, false),
              idHeader: this.options.requestIdHeader,
            }
          : undefined,
      );
    }
  }

  /**
   * When the application starts to close (the first of Nest's shutdown hooks), Faultline's log
   * output writes what waits and from then on each line at once. Nest's `enableShutdownHooks()`
   * ends the process by raising the signal again as soon as its hooks are done, with no exit
   * event: a line written during the shutdown (the request line of a request the drain let
   * finish) would otherwise still be waiting for a turn of the event loop.
   */
  onModuleDestroy(): void {
    this.logging?.writeThrough();
  }
}

/** What stands for nestjs-pino's LoggerModule where it is not loaded. */
@Module({})
class NoLoggerModule {}

/**
 * nestjs-pino's LoggerModule, configured from the logging runtime, once nestjs-pino is imported.
 * When logging may yet be off (left unset, or options not known before `forRootAsync`'s factory
 * runs) and nestjs-pino is not installed, nothing: logging, if it turns out to be on, stops
 * start-up naming the package.
 */
function pinoLoggerModule(kernel: DynamicModule, mayBeOff: boolean): Promise<DynamicModule> {
  return loadLoggingPeers().then(
    ({ nestjsPino }) =>
      nestjsPino.LoggerModule.forRootAsync({
        imports: [kernel],
        inject: [LOGGING_RUNTIME],
        useFactory: loggerModuleParams,
      }),
    (error: unknown) => {
      if (mayBeOff && error instanceof FaultlineConfigError) return { module: NoLoggerModule };
      throw error;
    },
  );
}

/**
 * Builds the module tree: the kernel (the generated options provider and what every feature
 * shares), nestjs-pino's LoggerModule when logging is on, one module per feature that is on, and
 * the filter and validation pipe. With `forRoot` the options are known here, so a feature set to
 * `false` is not loaded at all (nor its peers, nor its providers); with `forRootAsync` they are
 * known only once the factory has run, so every feature module is loaded and one that is off
 * stays inert.
 */
function assemble(generated: DynamicModule, known: ErrorHandlingModuleOptions | undefined): DynamicModule {
  const on = (feature: keyof ErrorHandlingModuleOptions): boolean => known?.[feature] !== false;
  const kernel: DynamicModule = {
    module: FaultlineKernelModule,
    imports: generated.imports ?? [],
    providers: [...(generated.providers ?? []), ...KERNEL_PROVIDERS],
    exports: KERNEL_PROVIDERS.map((p) => ('provide' in p ? p.provide : p)),
  };
  const imports: (DynamicModule | Promise<DynamicModule>)[] = [kernel];
  // Left unset, logging is on only where its packages are installed.
  if (on('logging')) imports.push(pinoLoggerModule(kernel, known?.logging === undefined));
  const features = (Object.keys(FEATURES) as (keyof typeof FEATURES)[])
    .filter(on)
    .map((feature) => FEATURES[feature].register(kernel));
  // Jobs has no option: always there, so an application can run its work through it.
  features.push(JobsModule.register(kernel));
  return {
    ...generated,
    imports: [...imports, ...features],
    providers: [
      ...FILTER_PROVIDERS,
      ...(on('validation') ? [VALIDATION_PIPE] : []),
      ...PUBLIC_KERNEL.map((token) => ({ provide: token, useExisting: kernelAlias(token) })),
    ],
    exports: [...PUBLIC_KERNEL, ...features],
  };
}
