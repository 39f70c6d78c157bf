export { ErrorHandlingModule } from './error-handling.module';
export { ERROR_HANDLING_MODULE_OPTIONS } from './error-handling.module-definition';
export type { ErrorHandlingModuleOptions, ValidationOptions } from './error-handling.options';
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
export {
  ProblemDetailsFilter,
  EN_CATALOG,
  KO_CATALOG,
  REQUEST_ID_PATTERN,
  type MessageCatalog,
  type MessageCatalogInput,
  type ProblemContext,
  type ProblemDetails,
  type ProblemDebugInfo,
  type ResponseFormatter,
} from './filter';
export {
  Redactor,
  type RedactionOptions,
  DEFAULT_SENSITIVE_KEYS,
  type ValueDetector,
  FaultlineValidationPipe,
} from './redaction';
export {
  LogChannels,
  FailureLog,
  type ChannelLevel,
  type ChannelLogger,
  type FileLogOptions,
  type LogChannelName,
  type LoggingOptions,
} from './logging';
