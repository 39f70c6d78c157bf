import type { HandledFailure } from './failure-events';
import { type LoggedRequest, pathOf, routeOf } from './request-context';
import { describeType } from './safe-access';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC = /^\d+$/;

/** A path without its query, with numeric and UUID segments replaced by `:id`. */
export function normalisePath(path: string): string {
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);
  return bare
    .split('/')
    .map((s) => (NUMERIC.test(s) || UUID.test(s) ? ':id' : s))
    .join('/');
}

/** Method + route template (or the normalised path) + error class. */
export function failureFingerprint(
  method: string | undefined,
  route: string | undefined,
  path: string | undefined,
  errorClass: string,
): string {
  return `${method ?? '-'} ${route ?? normalisePath(path ?? '-')} ${errorClass}`;
}

/** Where a failure happened, as alerts and Sentry's sampling name it. */
export interface FailureSite {
  /** `GET /items/:id`, `job nightly-report`, `graphql Query.notification`, ... */
  readonly where: string;
  /** The route template or operation name (undefined for a request no route matched). */
  readonly route: string | undefined;
  /** The request's path, or the operation name. */
  readonly path: string | undefined;
  /** The error's class name. */
  readonly errorClass: string;
  /**
   * What groups repeats of one failure: method + route + error class for a request, the job or
   * operation + error class otherwise, the dependency alone when one could not be reached.
   */
  readonly fingerprint: string;
}

/** The site and fingerprint of a failure; one fingerprint is shared by alerts and Sentry. */
export function failureSite(f: HandledFailure): FailureSite {
  const req = (f.request ?? {}) as LoggedRequest;
  const operation = f.operation;
  // Outside a plain route, what failed is named by the schema or the code (`Query.notification`).
  const route = operation ? operation.name : routeOf(req);
  const path = operation ? operation.name : pathOf(req);
  const errorClass = describeType(f.exception);
  const where =
    f.job !== undefined
      ? `in job ${f.job}`
      : operation
        ? `in ${operation.transport} ${operation.name}`
        : `on ${req.method ?? '-'} ${route ?? path}`;
  const fingerprint =
    f.dependency !== undefined
      ? `dependency-unavailable ${f.dependency}`
      : f.job !== undefined
        ? `job ${f.job} ${errorClass}`
        : operation
          ? `${operation.transport} ${operation.name} ${errorClass}`
          : failureFingerprint(req.method, route, path, errorClass);
  return { where, route, path, errorClass, fingerprint };
}
