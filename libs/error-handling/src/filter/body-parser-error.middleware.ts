import { AppError } from '../errors/app.error';
import { keyedMessage } from '../errors/error-messages';
import { isBodyParserError, mapDecompressionError } from '../errors/mappers/body-parser.mapper';

type Next = (err?: unknown) => void;

/**
 * An Express error middleware placed after the routes and before Nest's own error handler.
 *
 * - Nest turns body-parser's JSON `SyntaxError` into a plain `BadRequestException` and loses
 *   what it was; this hands the filter a `MALFORMED_BODY` error with the original as its cause.
 * - A body that does not decompress (bad or truncated gzip, deflate, br, zstd) reaches here as
 *   Node's zlib error with status 400; it becomes an `AppError` with the mapping of
 *   `mapDecompressionError` (400 `MALFORMED_BODY`, or 415 / 413) and the original as its cause.
 *   The filter's registry would map it too, but only when the error shares its realm: Node
 *   creates zlib errors outside a Jest sandbox, so they are matched here by their properties.
 */
export function bodyParserErrorMiddleware(err: unknown, _req: unknown, _res: unknown, next: Next): void {
  if (err instanceof SyntaxError && isBodyParserError(err)) {
    const { message, messageKey } = keyedMessage('body.notJson');
    next(new AppError(message, 'MALFORMED_BODY', { status: 400, cause: err, messageKey }));
    return;
  }
  const decompression = mapDecompressionError(err);
  if (decompression) {
    next(
      new AppError(
        decompression.message ?? 'The request body could not be decompressed',
        decompression.code,
        {
          status: decompression.status,
          cause: err,
          messageKey: decompression.messageKey,
          messageParams: decompression.messageParams,
        },
      ),
    );
    return;
  }
  next(err);
}
