import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { MappedError } from '../errors/exception-mapper.interface';
import { safeInstanceOf } from '../kernel/safe-access';
import type { CompatMode, ProblemDetails } from './problem-details.interface';

/** What Nest answers for an error it does not know, and what a hidden server error becomes. */
const NEST_UNKNOWN = { statusCode: 500, message: 'Internal server error' } as const;

/**
 * The body of a failure in an existing contract (the `compat` option):
 * - `'nest'`: what Nest's own exception filter sends. An `HttpException`'s response object as it
 *   is, or `{ statusCode, message }` for a string; any other error in Nest's shape from its
 *   mapping (`{ statusCode, message, error }`, field errors as Nest's ValidationPipe lists
 *   them: `message` an array of texts).
 * - `'http-exception-body'`: an `HttpException`'s own response body, as with `'nest'`; a problem
 *   body for everything else.
 * A server error (5xx not exposed) shows nothing of itself in either: Nest's
 * `{ statusCode: 500, message: 'Internal server error' }` (with the status it maps to), as Nest
 * sends for an error it does not know, whatever the exception's own body said.
 */
export function compatBody(
  mode: CompatMode,
  exception: unknown,
  mapped: MappedError,
  problem: ProblemDetails,
): unknown {
  const exposed = mapped.expose ?? mapped.status < 500;
  if (!exposed) {
    return mapped.status === 500 ? NEST_UNKNOWN : { ...NEST_UNKNOWN, statusCode: mapped.status };
  }
  if (safeInstanceOf(exception, HttpException)) {
    const response = (exception as HttpException).getResponse();
    if (typeof response === 'string') return { statusCode: mapped.status, message: response };
    // Nest's "Cannot GET /path?query": the mapping has cut the query string, which may hold secrets.
    if (mapped.status === 404 && isRouteNotFound(response) && typeof mapped.message === 'string') {
      return { ...response, message: mapped.message };
    }
    return response;
  }
  if (mode === 'http-exception-body') return problem;
  const body: Record<string, unknown> = {
    statusCode: problem.status,
    message: problem.errors ? problem.errors.map((e) => e.detail) : problem.detail,
    error: STATUS_CODES[problem.status] ?? problem.title,
  };
  return body;
}

function isRouteNotFound(response: object): boolean {
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' && message.startsWith('Cannot ') && message.includes('?');
}
