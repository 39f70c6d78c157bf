/*
 * The public surface of nestjs-faultline: what `forRoot` takes, the error classes, `@Audit()`, the
 * extension interfaces (mapper, formatter, detector, stores, channel, indicator), the built-in
 * implementations of those, and the services an application injects. Everything else is internal
 * and may change in any release; `src/public-surface.spec.ts` lists these names, so that a change
 * to them is a deliberate one.
 */

// The module and its options.
export { ErrorHandlingModule } from './error-handling.module';
export { ERROR_HANDLING_MODULE_OPTIONS } from './error-handling.module-definition';
export type { ErrorHandlingModuleOptions, ValidationOptions } from './error-handling.options';
export type { FileLogOptions, LoggingOptions } from './logging';
export type { RedactionOptions } from './redaction';
export type { Clock } from './kernel';

// Errors and how they are answered.
export {
  AppError,
  type AppErrorOptions,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
  ValidationError,
  ERROR_CODES,
  type ErrorCode,
  codeForStatus,
  ExceptionRegistry,
  type ExceptionMapper,
  type ExceptionType,
  type MappedError,
  FaultlineConfigError,
  fieldError,
  type FieldError,
} from './errors';
export { missingCatalogKeys } from './filter';
export type {
  MessageCatalogInput,
  ProblemContext,
  ProblemDetails,
  ResponseFormatter,
  SseErrorData,
} from './filter';

// Services an application injects, in every module.
export { Redactor, type ValueDetector } from './redaction';
export { FaultlineValidationPipe } from './validation';
export { LogChannels } from './logging';
export {
  FailureEvents,
  type FailureSubscriber,
  type HandledFailure,
  type TrackedEvent,
} from './kernel/failure-events';

// Audit and security events.
export {
  Audit,
  AuditService,
  AuditStore,
  auditSchemaSql,
  InMemorySecurityCounterStore,
  RedisSecurityCounterStore,
  SecurityCounterStore,
  SecurityEventKind,
  SecurityEvents,
  SqlAuditStore,
  type AuditDecoratorOptions,
  type AuditEvent,
  type AuditOptions,
  type AuditPage,
  type AuditQuery,
  type AuditResourceContext,
  type AuditSqlOptions,
  type SecurityEventDetails,
  type SecurityEventOptions,
  type SqlAuditStoreOptions,
  type SqlExecutor,
  type SuspiciousActivity,
} from './audit';
export { parseAuditQueryParams } from './audit/audit-query-params';

// Alerts.
export {
  AlertChannel,
  AlertService,
  EmailChannel,
  InMemoryThrottleStore,
  RedisThrottleStore,
  SlackChannel,
  ThrottleStore,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookChannel,
  type Alert,
  type AlertBudgetOptions,
  type AlertChannelBudgetOptions,
  type AlertMessage,
  type AlertsOptions,
  type HeldBackCount,
  type JobFailureRateOptions,
  type SseErrorRateOptions,
  type EmailChannelOptions,
  type SlackChannelOptions,
  type WebhookChannelOptions,
} from './alerts';

// Health, metrics, Sentry, process errors.
export {
  Readiness,
  enableGracefulShutdown,
  type HealthCheckResult,
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
  type HealthOptions,
} from './health';
export { MetricsService, type MetricsOptions } from './metrics';
export { ManagementServer } from './kernel/management-server';
export type { ManagementEndpoint, ManagementOptions } from './kernel/management.options';
export type { RedisEvalClient, RedisOptions } from './kernel/redis.options';
export type { EndpointGuard } from './kernel/ops-endpoint';
export { Jobs, type JobContext, type JobRunOptions } from './jobs';
export { initSentry, type SentryOptions, type SentrySampleOptions } from './sentry';
export type { ProcessErrorsOptions } from './faults';
