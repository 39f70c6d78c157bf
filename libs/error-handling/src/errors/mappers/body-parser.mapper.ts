import { keyedMessage } from '../error-messages';
import type { MappedError } from '../exception-mapper.interface';
import { safeGet } from '../../kernel/safe-access';

/**
 * Errors of body-parser / raw-body, recognised by their `type` (no dependency on either), and
 * the decompression errors of a `Content-Encoding` body it passes on, by their `code`.
 * Their messages are safe but echo parser internals, so fixed messages are used (with message
 * keys, so that a catalog says them in the client's language).
 */
const BODY_PARSER_TYPES: Readonly<Record<string, MappedError>> = {
  'entity.parse.failed': {
    status: 400,
    code: 'MALFORMED_BODY',
    ...keyedMessage('body.notJson'),
  },
  'entity.verify.failed': {
    status: 403,
    code: 'PERMISSION_DENIED',
    ...keyedMessage('body.verifyFailed'),
  },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', ...keyedMessage('body.tooLarge') },
  'request.size.invalid': {
    status: 400,
    code: 'MALFORMED_BODY',
    ...keyedMessage('body.lengthMismatch'),
  },
  'request.aborted': { status: 400, code: 'MALFORMED_BODY', ...keyedMessage('body.aborted') },
  'charset.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    ...keyedMessage('body.charsetUnsupported'),
  },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    ...keyedMessage('body.encodingUnsupported'),
  },
  'parameters.too.many': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    ...keyedMessage('body.tooManyParameters'),
  },
  'stream.encoding.set': { status: 500, code: 'INTERNAL_ERROR' },
  'stream.not.readable': { status: 500, code: 'INTERNAL_ERROR' },
};

const TRUNCATED: MappedError = {
  status: 400,
  code: 'MALFORMED_BODY',
  ...keyedMessage('body.truncated'),
};
const CORRUPT: MappedError = {
  status: 400,
  code: 'MALFORMED_BODY',
  ...keyedMessage('body.encodingInvalid'),
};
const NEEDS_DICTIONARY: MappedError = {
  status: 415,
  code: 'UNSUPPORTED_MEDIA_TYPE',
  ...keyedMessage('body.needsDictionary'),
};

/**
 * Node's decompression errors that a request body can cause, by `code`. body-parser hands them
 * on as they are, with no `type`, only `status` 400 set by http-errors. Codes that mean the
 * server ran out of memory or misused zlib (`Z_MEM_ERROR`, `Z_STREAM_ERROR`, brotli's
 * `_ERROR_ALLOC_*` and `_ERROR_UNREACHABLE`, zstd's `memory_allocation`, ...) are not here:
 * those stay 500.
 */
const DECOMPRESSION_CODES: Readonly<Record<string, MappedError>> = {
  // zlib (gzip, deflate): a stream that ends early, bad data, a preset dictionary.
  Z_BUF_ERROR: TRUNCATED,
  Z_DATA_ERROR: CORRUPT,
  Z_NEED_DICT: NEEDS_DICTIONARY,
  // zstd (Node 22.15+ / 23.8+; body-parser answers 415 encoding.unsupported on older Node).
  ZSTD_error_prefix_unknown: CORRUPT,
  ZSTD_error_version_unsupported: CORRUPT,
  ZSTD_error_frameParameter_unsupported: CORRUPT,
  ZSTD_error_frameParameter_windowTooLarge: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    ...keyedMessage('body.windowTooLarge'),
  },
  ZSTD_error_corruption_detected: CORRUPT,
  ZSTD_error_checksum_wrong: CORRUPT,
  ZSTD_error_literals_headerWrong: CORRUPT,
  ZSTD_error_srcSize_wrong: CORRUPT,
  ZSTD_error_dictionary_wrong: NEEDS_DICTIONARY,
};
/** Brotli's decoder errors are `ERR_` + the decoder's name: `ERR__ERROR_FORMAT_PADDING_1`. */
const BROTLI_FORMAT = /^ERR__ERROR_FORMAT_[A-Z0-9_]{1,40}$/;
const BROTLI_DICTIONARY = 'ERR__ERROR_DICTIONARY_NOT_SET';

/**
 * The mapping of a decompression error of a request body (bad or truncated gzip, deflate, br or
 * zstd), or undefined. It must carry the status 400 that body-parser gives every error of
 * reading the body: the same codes without it come from the application's own use of zlib (a
 * stored file, an upstream response), which is a server fault. Read by properties only, so it
 * also recognises errors made in another realm (Node's zlib under Jest's sandbox).
 */
export function mapDecompressionError(error: unknown): MappedError | undefined {
  const code = safeGet(error, 'code');
  if (typeof code !== 'string') return undefined;
  if (safeGet(error, 'status') !== 400 && safeGet(error, 'statusCode') !== 400) return undefined;
  if (Object.hasOwn(DECOMPRESSION_CODES, code)) return DECOMPRESSION_CODES[code];
  if (code === BROTLI_DICTIONARY) return NEEDS_DICTIONARY;
  return BROTLI_FORMAT.test(code) ? CORRUPT : undefined;
}

function hasKnownType(error: unknown): boolean {
  const type = safeGet(error, 'type');
  return (
    typeof type === 'string' &&
    Object.hasOwn(BODY_PARSER_TYPES, type) &&
    typeof safeGet(error, 'status') === 'number'
  );
}

/**
 * True when `error` comes from body-parser: it has a known `type` and a numeric status, or it
 * is a decompression error of the body (a zlib, brotli or zstd `code` with status 400).
 */
export function isBodyParserError(error: unknown): boolean {
  return hasKnownType(error) || mapDecompressionError(error) !== undefined;
}

/** Maps a body-parser error, or returns undefined for anything else. */
export function mapBodyParserError(error: unknown): MappedError | undefined {
  return hasKnownType(error)
    ? BODY_PARSER_TYPES[safeGet(error, 'type') as string]
    : mapDecompressionError(error);
}
