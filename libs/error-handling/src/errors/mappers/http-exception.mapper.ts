import { HttpException } from '@nestjs/common';
import { codeForStatus } from '../error-codes';
import type { ExceptionMapper, MappedError } from '../exception-mapper.interface';
import { fieldError, type FieldError } from '../field-error.interface';
import { safeGet } from '../../kernel/safe-access';

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Nest's `HttpException` family: the exception's status, a code from the status
 * (`NotFoundException` -> `NOT_FOUND`) or from an UPPER_SNAKE `code` in its response object,
 * and the message. The message arrays of Nest's `ValidationPipe` become field errors.
 */
export const httpExceptionMapper: ExceptionMapper<HttpException> = {
  type: HttpException,
  map: (e) => {
    const status = e.getStatus();
    const response: unknown = e.getResponse();
    const ownCode = safeGet(response, 'code');
    const code = typeof ownCode === 'string' && UPPER_SNAKE.test(ownCode) ? ownCode : codeForStatus(status);
    if (typeof response === 'string') return { status, code, message: response };
    if (status === 404 && isRouteNotFound(response)) {
      // Nest's "Cannot GET /path?query": the query string may carry secrets; the path is enough.
      return { status, code, message: (safeGet(response, 'message') as string).replace(/\?.*$/, '') };
    }
    const message = safeGet(response, 'message');
    if (Array.isArray(message) && message.every((m) => typeof m === 'string')) {
      return validationMessages(status, ownCode, message as string[]);
    }
    return { status, code, message: typeof message === 'string' ? message : e.message };
  },
};

function isRouteNotFound(response: unknown): boolean {
  const message = safeGet(response, 'message');
  return (
    typeof message === 'string' &&
    /^Cannot [A-Z]+ \//.test(message) &&
    safeGet(response, 'error') === 'Not Found'
  );
}

function validationMessages(status: number, ownCode: unknown, messages: string[]): MappedError {
  return {
    status,
    code:
      typeof ownCode === 'string' && UPPER_SNAKE.test(ownCode)
        ? ownCode
        : status === 400
          ? 'VALIDATION_ERROR'
          : codeForStatus(status),
    message: 'The request has invalid fields',
    fieldErrors: messages.map(messageToFieldError),
  };
}

/**
 * Nest's ValidationPipe flattens errors to "<path> <rule message>", with nested paths joined
 * by dots ("items.0.name must be a string"). The first word is the field path.
 */
function messageToFieldError(message: string): FieldError {
  // forbidNonWhitelisted: "property extra should not exist", nested "items.0.property extra ..."
  const unknown = /^((?:\S+\.)?)property (\S+) should not exist$/.exec(message);
  if (unknown) {
    const parent = unknown[1] ? unknown[1].slice(0, -1).split('.') : [];
    return fieldError([...parent, unknown[2]], 'whitelistValidation', message);
  }
  const space = message.indexOf(' ');
  const path = space > 0 ? message.slice(0, space) : '';
  return fieldError(path ? path.split('.') : [], 'invalid', message);
}
