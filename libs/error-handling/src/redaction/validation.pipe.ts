import { Injectable, ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ValidationError } from '../errors/app.error';
import { fieldError, type FieldError } from '../errors/field-error.interface';
import type { ValidationOptions } from '../error-handling.options';

/**
 * The global validation pipe (class-validator and class-transformer): whitelists DTO
 * properties, rejects unknown ones, transforms payloads to DTO instances, and turns failures
 * into a {@link ValidationError} whose field errors carry a JSON pointer, the rule and its
 * message, and never the rejected value. DESIGN.md's card calls it the "redaction pipe".
 */
@Injectable()
export class FaultlineValidationPipe extends ValidationPipe {
  constructor(options: ValidationOptions) {
    super({
      ...options,
      // `value` stays on so a `$value` interpolated into a message can be cut out again.
      validationError: { target: false, value: true },
      exceptionFactory: (errors) =>
        new ValidationError('The request has invalid fields', toFieldErrors(errors)),
    });
  }
}

/** Flattens class-validator's error tree into field errors with JSON pointers. */
export function toFieldErrors(
  errors: readonly ClassValidatorError[],
  parent: readonly string[] = [],
): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = [...parent, String(error.property)];
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      out.push(fieldError(path, rule, withoutValue(message, error.value)));
    }
    if (error.children?.length) out.push(...toFieldErrors(error.children, path));
  }
  return out;
}

/**
 * A custom message may interpolate `$value`; the rejected value is cut out again so it never
 * reaches a client or a log.
 */
function withoutValue(message: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return message;
  const text = String(value);
  return text.length >= 3 && message.includes(text) ? message.split(text).join('[value]') : message;
}
