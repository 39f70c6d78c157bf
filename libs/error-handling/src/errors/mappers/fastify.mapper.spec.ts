import { mapFastifyError } from './fastify.mapper';

const fastifyError = (code: string, statusCode: number) =>
  Object.assign(new Error('fastify says'), { name: 'FastifyError', code, statusCode });

describe('mapFastifyError', () => {
  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 400, 'MALFORMED_BODY'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 400, 'MALFORMED_BODY'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 400, 'MALFORMED_BODY'],
    ['FST_ERR_BAD_URL', 400, 400, 'BAD_REQUEST'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 413, 'PAYLOAD_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('maps %s (status %i) to %i %s with a fixed message', (code, statusCode, status, mapped) => {
    expect(mapFastifyError(fastifyError(code, statusCode))).toEqual({
      status,
      code: mapped,
      message: expect.not.stringContaining('fastify says'),
      messageKey: expect.any(String),
    });
  });

  it('leaves other errors, and a known code with another status, alone', () => {
    expect(mapFastifyError(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 500))).toBeUndefined();
    expect(mapFastifyError(fastifyError('FST_ERR_NOT_LISTED', 400))).toBeUndefined();
    expect(mapFastifyError(new Error('plain'))).toBeUndefined();
    expect(mapFastifyError({ code: 'toString', statusCode: 400 })).toBeUndefined();
    expect(mapFastifyError(null)).toBeUndefined();
  });
});
