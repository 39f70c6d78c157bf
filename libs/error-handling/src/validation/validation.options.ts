import type { ValidationPipeOptions } from '@nestjs/common';

/**
 * Options of the validation pipe the module registers globally: Nest's `ValidationPipeOptions`
 * (without `exceptionFactory`) and Faultline's limits on the shape of a value, checked without
 * recursion before class-transformer and class-validator (which recurse) see it.
 */
export interface ValidationOptions extends Omit<ValidationPipeOptions, 'exceptionFactory'> {
  /**
   * Most levels of nested objects and arrays in a body or query (`{}` is 1, `{"a":[]}` is 2).
   * Deeper values are answered 400 `VALIDATION_ERROR` with a `maxDepth` field error. At most 1000.
   * @default 32
   */
  maxDepth?: number;
  /**
   * Most values (objects, arrays and primitives, each counting one) in a body or query. More are
   * answered 400 `VALIDATION_ERROR` with a `maxNodes` field error.
   * @default 10000
   */
  maxNodes?: number;
  /**
   * The status of a validation failure: 400, or 422 (`Unprocessable Entity`) for a contract
   * that answers invalid fields so. The code stays `VALIDATION_ERROR`.
   * @default 400
   */
  errorStatus?: 400 | 422;
}
