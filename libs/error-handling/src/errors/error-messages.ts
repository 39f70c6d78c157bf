import {
  compileTemplate,
  type CompiledTemplate,
  type MessageParams,
  renderTemplate,
} from './message-template';

/**
 * The messages Faultline itself gives the errors a client is shown (a 4xx `detail`), in English,
 * by message key: the defaults of the error classes, the fixed texts of the built-in mappers
 * (body-parser, Fastify, Nest's own exceptions and pipes, PostgreSQL, TypeORM, Prisma). An error
 * carries its key and the values of the placeholders beside its English message; the problem
 * builder renders the key from the negotiated language's catalog (`messages`), and falls back to
 * the English message when that catalog has no such key.
 *
 * The English catalog's `messages` are exactly these; every shipped catalog translates each.
 */
export const ERROR_MESSAGES = {
  // The error classes' defaults.
  notFound: '{resource} not found',
  'notFound.id': '{resource} not found: {id}',
  permissionDenied: 'You do not have permission to do this',
  unauthenticated: 'Authentication is required',
  conflict: 'The request conflicts with the current state',
  rateLimited: 'Too many requests',
  serviceUnavailable: 'The service is temporarily unavailable',
  // Faultline's validation pipe.
  'validation.invalidFields': 'The request has invalid fields',
  'validation.tooManyValues': 'The request has too many values',
  'validation.nestedTooDeeply': 'The request is nested too deeply',
  // Reading the request: body-parser, Node's decompression, Fastify.
  'body.notJson': 'The request body is not valid JSON',
  'body.emptyJson': 'The request body is empty, but its content type is JSON',
  'body.verifyFailed': 'The request body failed verification',
  'body.tooLarge': 'The request body is too large',
  'body.lengthMismatch': 'The request body length does not match Content-Length',
  'body.aborted': 'The request was aborted',
  'body.charsetUnsupported': 'The request charset is not supported',
  'body.encodingUnsupported': 'The request content encoding is not supported',
  'body.mediaTypeUnsupported': 'The request content type is not supported',
  'body.tooManyParameters': 'The request has too many parameters',
  'body.truncated': 'The compressed request body is truncated',
  'body.encodingInvalid': 'The request body is not valid for its Content-Encoding',
  'body.needsDictionary': 'The request body needs a compression dictionary, which is not supported',
  'body.windowTooLarge': 'The compressed request body needs a larger window than allowed',
  'request.urlInvalid': 'The request URL is not valid',
  // Nest: a route that does not exist, the default messages of its HttpException classes.
  'route.notFound': 'Cannot {method} {path}',
  'http.400': 'Bad Request',
  'http.401': 'Unauthorized',
  'http.403': 'Forbidden',
  'http.404': 'Not Found',
  'http.405': 'Method Not Allowed',
  'http.406': 'Not Acceptable',
  'http.408': 'Request Timeout',
  'http.409': 'Conflict',
  'http.410': 'Gone',
  'http.412': 'Precondition Failed',
  'http.413': 'Payload Too Large',
  'http.415': 'Unsupported Media Type',
  'http.418': "I'm a teapot",
  'http.421': 'Misdirected',
  'http.422': 'Unprocessable Entity',
  // Nest's built-in pipes (ParseIntPipe, ParseUUIDPipe, ...).
  'pipe.numericString': 'Validation failed (numeric string is expected)',
  'pipe.booleanString': 'Validation failed (boolean string is expected)',
  'pipe.enumString': 'Validation failed (enum string is expected)',
  'pipe.array': 'Validation failed (parsable array expected)',
  'pipe.uuid': 'Validation failed (uuid is expected)',
  'pipe.uuidVersion': 'Validation failed (uuid v {version} is expected)',
  'pipe.uuidNotString': 'The value passed as UUID is not a string',
  'pipe.noDate': 'Validation failed (no Date provided)',
  'pipe.dateFormat': 'Validation failed (invalid date format)',
  // The database: PostgreSQL's SQLSTATEs, TypeORM, Prisma.
  'db.notFound': 'The requested resource was not found',
  'db.duplicate': 'A record with the same unique value already exists',
  'db.uniqueViolated': 'Unique constraint violated: {constraint}',
  'db.referenceMissing': 'A referenced record does not exist',
  'db.foreignKeyViolated': 'Foreign key constraint violated: {constraint}',
  'db.valueMissing': 'A required value is missing',
  'db.columnMissing': 'A required value is missing: {column}',
  'db.checkFailed': 'A value breaks a check constraint',
  'db.checkViolated': 'Check constraint violated: {constraint}',
  'db.valueTooLong': 'A value is too long',
  'db.numberOutOfRange': 'A number is out of range',
  'db.dateTimeFormat': 'A date or time has the wrong format',
  'db.dateTimeOutOfRange': 'A date or time is out of range',
  'db.timeZoneOutOfRange': 'A time zone offset is out of range',
  'db.intervalOutOfRange': 'A time interval is out of range',
  'db.notConvertible': 'A value cannot be converted to its type',
  'db.encodingInvalid': 'A text value has bytes that are not valid in its encoding',
  'db.wrongLength': 'A value has the wrong length',
  'db.wrongFormat': 'A value has the wrong format',
  'db.binaryFormat': 'A binary value has the wrong format',
  'db.characterNotStorable': 'A text value has a character the database cannot store',
  'db.xmlDocument': 'An XML value is not a valid document',
  'db.xmlContent': 'An XML value is not valid XML content',
} as const satisfies Record<string, string>;

/** A key of {@link ERROR_MESSAGES}. */
export type ErrorMessageKey = keyof typeof ERROR_MESSAGES;

const COMPILED: ReadonlyMap<string, CompiledTemplate> = new Map(
  Object.entries(ERROR_MESSAGES).map(([key, text]) => [key, compileTemplate(text)]),
);

/** The English message of `key` with its placeholders filled in. */
export function englishMessage(key: ErrorMessageKey, params?: MessageParams): string {
  return renderTemplate(COMPILED.get(key) as CompiledTemplate, params);
}

/** The message members of a mapped error: its English `message`, `messageKey` and `messageParams`. */
export interface KeyedMessage {
  message: string;
  messageKey: string;
  messageParams?: MessageParams;
}

/** `{ message, messageKey, messageParams }` for a message of {@link ERROR_MESSAGES}. */
export function keyedMessage(key: ErrorMessageKey, params?: MessageParams): KeyedMessage {
  const message = englishMessage(key, params);
  return params === undefined
    ? { message, messageKey: key }
    : { message, messageKey: key, messageParams: params };
}
