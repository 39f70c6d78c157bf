import {
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
  type PipeTransform,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_PIPE, HttpAdapterHost } from '@nestjs/core';
import {
  ConfigurableErrorHandlingModule,
  ERROR_HANDLING_MODULE_OPTIONS,
} from './error-handling.module-definition';
import { ExceptionRegistry } from './errors/exception-registry';
import { BUILT_IN_MAPPERS } from './errors/mappers/built-in.mappers';
import { RESOLVED_OPTIONS } from './faultline.internal-constants';
import { bodyParserErrorMiddleware } from './filter/body-parser-error.middleware';
import { ProblemBuilder } from './filter/problem-builder';
import { ProblemDetailsFilter } from './filter/problem-details.filter';
import { RequestIdMiddleware } from './filter/request-id.middleware';
import { Redactor } from './redaction/redactor';
import { FaultlineValidationPipe } from './redaction/validation.pipe';
import { resolveOptions, type ResolvedOptions } from './resolve-options';

/** A pipe that passes values through: the global pipe when validation is turned off. */
const passThroughPipe: PipeTransform = { transform: (value: unknown) => value };

const providers: Provider[] = [
  { provide: RESOLVED_OPTIONS, useFactory: resolveOptions, inject: [ERROR_HANDLING_MODULE_OPTIONS] },
  {
    provide: Redactor,
    useFactory: (o: ResolvedOptions) => new Redactor(o.redaction),
    inject: [RESOLVED_OPTIONS],
  },
  {
    provide: ExceptionRegistry,
    useFactory: (o: ResolvedOptions) => new ExceptionRegistry(BUILT_IN_MAPPERS, o.mappers),
    inject: [RESOLVED_OPTIONS],
  },
  ProblemBuilder,
  ProblemDetailsFilter,
  { provide: APP_FILTER, useExisting: ProblemDetailsFilter },
  {
    provide: APP_PIPE,
    useFactory: (o: ResolvedOptions) =>
      o.validation === false ? passThroughPipe : new FaultlineValidationPipe(o.validation),
    inject: [RESOLVED_OPTIONS],
  },
];

/**
 * Production-grade error handling in one import: the global problem+json exception filter,
 * request ids, the validation pipe and the redactor.
 *
 * @example
 * @Module({ imports: [ErrorHandlingModule.forRoot({ problemTypeBaseUrl: 'https://errors.example.com' })] })
 * export class AppModule {}
 */
@Module({
  providers,
  exports: [Redactor, ExceptionRegistry, ProblemDetailsFilter, RESOLVED_OPTIONS],
})
export class ErrorHandlingModule extends ConfigurableErrorHandlingModule implements NestModule, OnModuleInit {
  private readonly logger = new Logger('Faultline');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
  ) {
    super();
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('*');
  }

  onModuleInit(): void {
    if (this.options.debugInProduction) {
      this.logger.warn(
        'debug mode is on while NODE_ENV=production: error bodies show stacks and request data',
      );
    }
    const adapter = this.adapterHost.httpAdapter;
    // Routes are registered by now and Nest adds its own error handler after this hook.
    if (adapter?.getType() === 'express') adapter.use(bodyParserErrorMiddleware);
  }
}
