import { keyedMessage } from '../error-messages';
import type { MappedError } from '../exception-mapper.interface';
import { safeGet } from '../../kernel/safe-access';

/**
 * Fastify's own errors of reading a request (its content-type parsers, its router), recognised
 * by their `code` together with the `statusCode` Fastify gives them (no dependency on Fastify).
 * Their messages name Fastify's internals, so fixed messages are used.
 */
const FASTIFY_CODES: Readonly<Record<string, MappedError & { fastifyStatus: number }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    fastifyStatus: 400,
    status: 400,
    code: 'MALFORMED_BODY',
    ...keyedMessage('body.notJson'),
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    fastifyStatus: 400,
    status: 400,
    code: 'MALFORMED_BODY',
    ...keyedMessage('body.emptyJson'),
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    fastifyStatus: 400,
    status: 400,
    code: 'MALFORMED_BODY',
    ...keyedMessage('body.lengthMismatch'),
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    fastifyStatus: 413,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    ...keyedMessage('body.tooLarge'),
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    fastifyStatus: 415,
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    ...keyedMessage('body.mediaTypeUnsupported'),
  },
  FST_ERR_BAD_URL: {
    fastifyStatus: 400,
    status: 400,
    code: 'BAD_REQUEST',
    ...keyedMessage('request.urlInvalid'),
  },
};

/**
 * Maps an error Fastify raises while reading a request (invalid or empty JSON 400
 * `MALFORMED_BODY`, a body over `bodyLimit` 413 `PAYLOAD_TOO_LARGE`, a content type without a
 * parser 415 `UNSUPPORTED_MEDIA_TYPE`, a bad URL 400), or returns undefined for anything else.
 */
export function mapFastifyError(error: unknown): MappedError | undefined {
  const code = safeGet(error, 'code');
  if (typeof code !== 'string' || !code.startsWith('FST_ERR_') || !Object.hasOwn(FASTIFY_CODES, code)) {
    return undefined;
  }
  const { fastifyStatus, ...mapped } = FASTIFY_CODES[code];
  return safeGet(error, 'statusCode') === fastifyStatus ? mapped : undefined;
}
