import { ExceptionRegistry } from '../exception-registry';
import { isBodyParserError, mapBodyParserError } from './body-parser.mapper';
import { BUILT_IN_MAPPERS } from './built-in.mappers';

/** http-errors' classes, as body-parser throws them (name, status, statusCode, expose, type). */
class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    Object.assign(this, { statusCode: status, expose: status < 500, ...extra });
  }
}
class PayloadTooLargeError extends HttpError {}
class UnsupportedMediaTypeError extends HttpError {}

/** body-parser's JSON parse failure: the SyntaxError itself, decorated by http-errors. */
function jsonParseFailure(body: string): SyntaxError {
  let error: SyntaxError;
  try {
    JSON.parse(body);
    throw new Error('expected invalid JSON');
  } catch (e) {
    error = e as SyntaxError;
  }
  return Object.assign(error, {
    status: 400,
    statusCode: 400,
    expose: true,
    type: 'entity.parse.failed',
    body,
  });
}

describe('built-in mapping of body-parser errors', () => {
  const registry = new ExceptionRegistry(BUILT_IN_MAPPERS);

  it('maps malformed JSON to 400 MALFORMED_BODY without echoing the body or the parser message', () => {
    const body = '{"password": "hunter2",';
    const error = jsonParseFailure(body);
    const mapped = registry.resolve(error);

    expect(mapped).toMatchObject({
      status: 400,
      code: 'MALFORMED_BODY',
      message: 'The request body is not valid JSON',
    });
    expect(JSON.stringify(mapped)).not.toContain('hunter2');
    expect(mapped.message).not.toContain(error.message);
  });

  it('maps a body over the limit to 413 PAYLOAD_TOO_LARGE', () => {
    const error = new PayloadTooLargeError('request entity too large', 413, 'entity.too.large', {
      expected: 200000,
      length: 200000,
      limit: 102400,
    });

    expect(registry.resolve(error)).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The request body is too large',
    });
  });

  it('maps an unsupported charset to 415 UNSUPPORTED_MEDIA_TYPE', () => {
    const error = new UnsupportedMediaTypeError('unsupported charset "KOI8-R"', 415, 'charset.unsupported', {
      charset: 'koi8-r',
    });

    expect(registry.resolve(error)).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'The request charset is not supported',
    });
  });

  it.each([
    ['encoding.unsupported', 415, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['entity.verify.failed', 403, 403, 'PERMISSION_DENIED'],
    ['request.size.invalid', 400, 400, 'MALFORMED_BODY'],
    ['request.aborted', 400, 400, 'MALFORMED_BODY'],
    ['parameters.too.many', 413, 413, 'PAYLOAD_TOO_LARGE'],
    ['stream.encoding.set', 500, 500, 'INTERNAL_ERROR'],
    ['stream.not.readable', 500, 500, 'INTERNAL_ERROR'],
  ])('maps type %s to %i %s', (type, thrownStatus, status, code) => {
    expect(registry.resolve(new HttpError('x', thrownStatus, type))).toMatchObject({ status, code });
  });

  it('does not show the message of the server-side stream errors', () => {
    const mapped = registry.resolve(
      new HttpError('stream encoding should not be set', 500, 'stream.encoding.set'),
    );

    expect(mapped.message).toBeUndefined();
  });

  it('ignores an error with an unknown type', () => {
    expect(registry.resolve(new HttpError('x', 400, 'entity.unknown'))).toMatchObject({
      status: 500,
      code: 'INTERNAL_ERROR',
    });
  });

  it.each(['toString', 'constructor', '__proto__'])(
    'does not treat the inherited key %p as a body-parser type',
    (type) => {
      expect(isBodyParserError(new HttpError('x', 400, type))).toBe(false);
      expect(mapBodyParserError(new HttpError('x', 400, type))).toBeUndefined();
    },
  );

  it('requires a numeric status besides a known type', () => {
    const noStatus = Object.assign(new Error('x'), { type: 'entity.parse.failed' });
    const stringStatus = Object.assign(new Error('x'), { type: 'entity.parse.failed', status: '400' });

    expect(isBodyParserError(noStatus)).toBe(false);
    expect(isBodyParserError(stringStatus)).toBe(false);
    expect(registry.resolve(noStatus)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('recognises a body-parser error by shape and nothing else', () => {
    expect(isBodyParserError(jsonParseFailure('{'))).toBe(true);
    expect(isBodyParserError(new SyntaxError('x'))).toBe(false);
    expect(isBodyParserError(null)).toBe(false);
    expect(isBodyParserError('entity.parse.failed')).toBe(false);
  });

  it('does not throw on an error whose type getter throws', () => {
    const hostile = Object.defineProperty(new Error('x'), 'type', {
      get() {
        throw new Error('getter');
      },
    });

    expect(isBodyParserError(hostile)).toBe(false);
  });
});
