import type { MappedError } from '../exception-mapper.interface';
import { safeGet } from '../safe-access';

/**
 * Errors of body-parser / raw-body, recognised by their `type` (no dependency on either).
 * Their messages are safe but echo parser internals, so fixed messages are used.
 */
const BODY_PARSER_TYPES: Readonly<Record<string, MappedError>> = {
  'entity.parse.failed': {
    status: 400,
    code: 'MALFORMED_BODY',
    message: 'The request body is not valid JSON',
  },
  'entity.verify.failed': {
    status: 403,
    code: 'PERMISSION_DENIED',
    message: 'The request body failed verification',
  },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  'request.size.invalid': {
    status: 400,
    code: 'MALFORMED_BODY',
    message: 'The request body length does not match Content-Length',
  },
  'request.aborted': { status: 400, code: 'MALFORMED_BODY', message: 'The request was aborted' },
  'charset.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request charset is not supported',
  },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request content encoding is not supported',
  },
  'parameters.too.many': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request has too many parameters',
  },
  'stream.encoding.set': { status: 500, code: 'INTERNAL_ERROR' },
  'stream.not.readable': { status: 500, code: 'INTERNAL_ERROR' },
};

/** True when `error` comes from body-parser (it has a known `type` and a numeric status). */
export function isBodyParserError(error: unknown): boolean {
  const type = safeGet(error, 'type');
  return (
    typeof type === 'string' &&
    Object.hasOwn(BODY_PARSER_TYPES, type) &&
    typeof safeGet(error, 'status') === 'number'
  );
}

/** Maps a body-parser error, or returns undefined for anything else. */
export function mapBodyParserError(error: unknown): MappedError | undefined {
  return isBodyParserError(error) ? BODY_PARSER_TYPES[safeGet(error, 'type') as string] : undefined;
}
