import { HttpException } from '@nestjs/common';
import { codeForStatus } from '../error-codes';
import { type ErrorMessageKey, keyedMessage, type KeyedMessage } from '../error-messages';
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
    if (typeof response === 'string') return { status, code, ...ownMessage(status, response) };
    if (status === 404 && isRouteNotFound(response)) {
      // Nest's "Cannot GET /path?query": the query string may carry secrets; the path is enough.
      return { status, code, ...routeNotFound(safeGet(response, 'message') as string) };
    }
    const message = safeGet(response, 'message');
    if (Array.isArray(message) && message.every((m) => typeof m === 'string')) {
      return validationMessages(status, ownCode, message as string[]);
    }
    return { status, code, ...ownMessage(status, typeof message === 'string' ? message : e.message) };
  },
};

/** The default message of each of Nest's built-in exception classes (`new NotFoundException()`: "Not Found"). */
const NEST_DEFAULTS: ReadonlyMap<number, KeyedMessage> = new Map(
  [400, 401, 403, 404, 405, 406, 408, 409, 410, 412, 413, 415, 418, 421, 422].map((status) => [
    status,
    keyedMessage(`http.${status}` as ErrorMessageKey),
  ]),
);

/** The messages of Nest's built-in pipes (ParseIntPipe, ParseUUIDPipe, ...), whatever their status. */
const NEST_PIPE_MESSAGES: ReadonlyMap<string, KeyedMessage> = new Map(
  [
    ...(
      [
        'pipe.numericString',
        'pipe.booleanString',
        'pipe.enumString',
        'pipe.array',
        'pipe.uuid',
        'pipe.uuidNotString',
        'pipe.noDate',
        'pipe.dateFormat',
      ] as const
    ).map((key) => keyedMessage(key)),
    ...['3', '4', '5', '7'].map((version) => keyedMessage('pipe.uuidVersion', { version })),
  ].map((keyed) => [keyed.message, keyed]),
);

/**
 * A message as the exception has it, with its message key when it is one of Nest's own texts, so
 * that a catalog can say it in the client's language. Any other message is the application's.
 */
function ownMessage(status: number, message: string): { message: string } | KeyedMessage {
  const byDefault = NEST_DEFAULTS.get(status);
  if (byDefault !== undefined && byDefault.message === message) return byDefault;
  return NEST_PIPE_MESSAGES.get(message) ?? { message };
}

/** "Cannot GET /path?query" as the message `route.notFound`, without the query string. */
function routeNotFound(message: string): KeyedMessage {
  const query = message.indexOf('?');
  const withoutQuery = query === -1 ? message : message.slice(0, query);
  // "Cannot " + a method + " " + the path: isRouteNotFound checked the shape.
  const space = withoutQuery.indexOf(' ', 7);
  return keyedMessage('route.notFound', {
    method: withoutQuery.slice(7, space),
    path: withoutQuery.slice(space + 1),
  });
}

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
    ...keyedMessage('validation.invalidFields'),
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
    return fieldError([...parent, unknown[2]], 'whitelistValidation', message, {
      key: 'whitelistValidation',
      params: { field: unknown[2] },
    });
  }
  const space = message.indexOf(' ');
  const path = space > 0 ? message.slice(0, space) : '';
  return fieldError(path ? path.split('.') : [], 'invalid', message);
}
