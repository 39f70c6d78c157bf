import { AppError } from '../errors/app.error';
import { isBodyParserError } from '../errors/mappers/body-parser.mapper';

type Next = (err?: unknown) => void;

/**
 * An Express error middleware placed after the routes and before Nest's own error handler.
 * Nest turns body-parser's JSON `SyntaxError` into a plain `BadRequestException` and loses
 * what it was; this hands the filter a `MALFORMED_BODY` error with the original as its cause.
 */
export function bodyParserErrorMiddleware(err: unknown, _req: unknown, _res: unknown, next: Next): void {
  if (err instanceof SyntaxError && isBodyParserError(err)) {
    next(new AppError('The request body is not valid JSON', 'MALFORMED_BODY', { status: 400, cause: err }));
    return;
  }
  next(err);
}
