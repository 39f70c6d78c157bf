export * from './app.error';
export { ERROR_CODES, codeForStatus, type ErrorCode } from './error-codes';
export * from './exception-mapper.interface';
export { ExceptionRegistry } from './exception-registry';
export { FaultlineConfigError } from '../kernel/faultline-config.error';
export { fieldError, type FieldError } from './field-error.interface';
export { BUILT_IN_MAPPERS } from './mappers/built-in.mappers';
export { isBodyParserError } from './mappers/body-parser.mapper';
export { describeType, safeGet, safeString } from '../kernel/safe-access';
