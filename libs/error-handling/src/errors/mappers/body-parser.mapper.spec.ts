import { brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
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
      messageKey: 'body.tooLarge',
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
      messageKey: 'body.charsetUnsupported',
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

  describe('decompression errors of a Content-Encoding body', () => {
    /** What body-parser hands on: Node's zlib error, given status 400 by http-errors, no type. */
    function zlibError(code: string, message: string, errno: number): Error {
      return Object.assign(new Error(message), { errno, code, expose: true, statusCode: 400, status: 400 });
    }
    /**
     * A real error of Node's zlib, as body-parser passes it on. Node creates it outside Jest's
     * sandbox (another realm), so it is no instance of the `Error` the registry knows here:
     * these tests map it with mapBodyParserError, which reads only its properties.
     */
    const zlibErrorOf = (run: () => unknown): Error => {
      try {
        run();
      } catch (e) {
        return Object.assign(e as Error, { expose: true, statusCode: 400, status: 400 });
      }
      throw new Error('expected a zlib error');
    };

    it('maps a gzip body that is not gzip to 400 MALFORMED_BODY without the zlib message', () => {
      const error = zlibErrorOf(() => gunzipSync(Buffer.from('not gzip at all')));

      expect((error as NodeJS.ErrnoException).code).toBe('Z_DATA_ERROR');
      expect(mapBodyParserError(error)).toEqual({
        status: 400,
        code: 'MALFORMED_BODY',
        message: 'The request body is not valid for its Content-Encoding',
        messageKey: 'body.encodingInvalid',
      });
      expect(isBodyParserError(error)).toBe(true);
      expect(registry.resolve(zlibError('Z_DATA_ERROR', error.message, -3))).toEqual({
        status: 400,
        code: 'MALFORMED_BODY',
        message: 'The request body is not valid for its Content-Encoding',
        messageKey: 'body.encodingInvalid',
      });
    });

    it('maps a truncated gzip body to 400 MALFORMED_BODY', () => {
      const whole = gzipSync(Buffer.from('{"title":"hello"}'));
      const error = zlibErrorOf(() => gunzipSync(whole.subarray(0, whole.length - 8)));

      expect((error as NodeJS.ErrnoException).code).toBe('Z_BUF_ERROR');
      expect(mapBodyParserError(error)).toEqual({
        status: 400,
        code: 'MALFORMED_BODY',
        message: 'The compressed request body is truncated',
        messageKey: 'body.truncated',
      });
    });

    it('maps a deflate body with a bad checksum and a corrupt brotli body to 400 MALFORMED_BODY', () => {
      const deflated = deflateSync(Buffer.from('{"title":"hello"}'));
      deflated[deflated.length - 1] ^= 0xff;
      const badDeflate = zlibErrorOf(() => inflateSync(deflated));
      const badBrotli = zlibErrorOf(() => brotliDecompressSync(Buffer.from('not brotli at all, really not')));

      expect((badBrotli as NodeJS.ErrnoException).code).toMatch(/^ERR__ERROR_FORMAT_/);
      for (const error of [badDeflate, badBrotli]) {
        expect(mapBodyParserError(error)).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
      }
    });

    it('maps a deflate body that needs a preset dictionary to 415 UNSUPPORTED_MEDIA_TYPE', () => {
      const withDictionary = deflateSync(Buffer.from('hello hello'), { dictionary: Buffer.from('hello') });
      const error = zlibErrorOf(() => inflateSync(withDictionary));

      expect((error as NodeJS.ErrnoException).code).toBe('Z_NEED_DICT');
      expect(mapBodyParserError(error)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(registry.resolve(zlibError('ERR__ERROR_DICTIONARY_NOT_SET', 'x', -19))).toMatchObject({
        status: 415,
      });
    });

    it.each([
      ['ZSTD_error_prefix_unknown', 400, 'MALFORMED_BODY'],
      ['ZSTD_error_corruption_detected', 400, 'MALFORMED_BODY'],
      ['ZSTD_error_checksum_wrong', 400, 'MALFORMED_BODY'],
      ['ZSTD_error_frameParameter_windowTooLarge', 413, 'PAYLOAD_TOO_LARGE'],
      ['ZSTD_error_dictionary_wrong', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ])('maps the zstd error %s to %i %s', (code, status, mappedCode) => {
      expect(registry.resolve(zlibError(code, 'Decompression failed', -1))).toMatchObject({
        status,
        code: mappedCode,
      });
    });

    it.each([
      ['Z_MEM_ERROR', -4],
      ['Z_STREAM_ERROR', -2],
      ['Z_VERSION_ERROR', -6],
      ['ERR__ERROR_ALLOC_RING_BUFFER_1', -26],
      ['ERR__ERROR_UNREACHABLE', -31],
      ['ZSTD_error_memory_allocation', -64],
    ])('leaves %s, a server-side failure, to the 500 catch-all', (code, errno) => {
      expect(registry.resolve(zlibError(code, 'x', errno))).toMatchObject({
        status: 500,
        code: 'INTERNAL_ERROR',
      });
    });

    it("leaves a zlib error without body-parser's status 400 (the application's own zlib use) to 500", () => {
      const ownUse = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3 });
      const serverStatus = Object.assign(new Error('x'), { code: 'Z_DATA_ERROR', status: 500 });

      expect(isBodyParserError(ownUse)).toBe(false);
      expect(registry.resolve(ownUse)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
      expect(registry.resolve(serverStatus)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    });

    it('recognises the status on statusCode alone', () => {
      const error = Object.assign(new Error('incorrect header check'), {
        code: 'Z_DATA_ERROR',
        statusCode: 400,
      });

      expect(mapBodyParserError(error)).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    });

    it.each(['toString', 'constructor', 'hasOwnProperty'])(
      'does not treat the inherited key %p as a code',
      (code) => {
        expect(mapBodyParserError(zlibError(code, 'x', -3))).toBeUndefined();
      },
    );
  });
});
