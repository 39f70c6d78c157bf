import { join } from 'node:path';
import ts from 'typescript';

/**
 * The names the package exports, read by the TypeScript checker from src/index.ts. A name added
 * or removed here is a change to the public surface: it belongs in the changelog and in docs/.
 */
const PUBLIC_NAMES = [
  'Alert',
  'AlertChannel',
  'AlertMessage',
  'AlertService',
  'AlertsOptions',
  'AppError',
  'AppErrorOptions',
  'Audit',
  'AuditDecoratorOptions',
  'AuditEvent',
  'AuditOptions',
  'AuditPage',
  'AuditQuery',
  'AuditResourceContext',
  'AuditService',
  'AuditSqlOptions',
  'AuditStore',
  'Clock',
  'ConflictError',
  'ERROR_CODES',
  'ERROR_HANDLING_MODULE_OPTIONS',
  'EmailChannel',
  'EmailChannelOptions',
  'EndpointGuard',
  'ErrorCode',
  'ErrorHandlingModule',
  'ErrorHandlingModuleOptions',
  'ExceptionMapper',
  'ExceptionRegistry',
  'ExceptionType',
  'FailureEvents',
  'FailureSubscriber',
  'FaultlineConfigError',
  'FaultlineValidationPipe',
  'FieldError',
  'FileLogOptions',
  'HandledFailure',
  'HealthCheckResult',
  'HealthIndicatorFunction',
  'HealthIndicatorResult',
  'HealthOptions',
  'InMemorySecurityCounterStore',
  'JobFailureRateOptions',
  'SseErrorRateOptions',
  'SseErrorData',
  'JobRunOptions',
  'JobContext',
  'Jobs',
  'InMemoryThrottleStore',
  'LogChannels',
  'LoggingOptions',
  'ManagementEndpoint',
  'ManagementOptions',
  'ManagementServer',
  'MappedError',
  'MessageCatalogInput',
  'MetricsOptions',
  'MetricsService',
  'NotFoundError',
  'PermissionDeniedError',
  'ProblemContext',
  'ProblemDetails',
  'ProcessErrorsOptions',
  'RateLimitedError',
  'Readiness',
  'RedactionOptions',
  'Redactor',
  'RedisThrottleStore',
  'ResponseFormatter',
  'SecurityCounterStore',
  'SecurityEventDetails',
  'SecurityEventKind',
  'SecurityEventOptions',
  'SecurityEvents',
  'SentryOptions',
  'ServiceUnavailableError',
  'SlackChannel',
  'SlackChannelOptions',
  'SqlAuditStore',
  'SqlAuditStoreOptions',
  'SqlExecutor',
  'SuspiciousActivity',
  'ThrottleStore',
  'UnauthenticatedError',
  'ValidationError',
  'ValidationOptions',
  'ValueDetector',
  'WEBHOOK_SIGNATURE_HEADER',
  'WebhookChannel',
  'WebhookChannelOptions',
  'auditSchemaSql',
  'codeForStatus',
  'enableGracefulShutdown',
  'fieldError',
  'initSentry',
  'parseAuditQueryParams',
];

function exportedNames(): string[] {
  const entry = join(__dirname, 'index.ts');
  const program = ts.createProgram([entry], {
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    noEmit: true,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry) as ts.SourceFile);
  if (!module) throw new Error('src/index.ts is not a module');
  return checker.getExportsOfModule(module).map((s) => s.name);
}

describe('the public surface', () => {
  it('is the listed names, and only those', () => {
    expect(exportedNames().sort()).toEqual([...PUBLIC_NAMES].sort());
  });
});
