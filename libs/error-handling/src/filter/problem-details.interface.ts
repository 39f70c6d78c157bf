import type { FieldError } from '../errors/field-error.interface';

/** Debug members added to a problem body in debug mode only. */
export interface ProblemDebugInfo {
  /** Class (or type) of the thrown value. */
  exception: string;
  /** The thrown error's own message, redacted. */
  message: string;
  /** Stack lines, redacted. */
  stack: string[];
  /** The `cause` chain, outermost first. */
  causes: { exception: string; message: string; stack: string[] }[];
  /** The request as received, redacted. */
  request: { method: string; url: string; headers: unknown; query: unknown; body: unknown };
}

/**
 * An RFC 9457 problem body as Faultline writes it (`application/problem+json`).
 *
 * @example
 * { "type": "about:blank", "title": "Not Found", "status": 404,
 *   "detail": "Notification not found: 42", "instance": "/notifications/42",
 *   "code": "NOT_FOUND", "requestId": "6f1c…" }
 */
export interface ProblemDetails {
  /** `about:blank`, or `<problemTypeBaseUrl>/<code in kebab-case>`. */
  type: string;
  /** Short summary of the status, in the negotiated language. */
  title: string;
  /** HTTP status. */
  status: number;
  /** What went wrong. A fixed text for unexpected errors. */
  detail: string;
  /** The request path (without its query string). */
  instance: string;
  /** Stable error code. */
  code: string;
  /** The request id, also sent as the `X-Request-Id` header. */
  requestId: string;
  /** Field errors with JSON pointers; never rejected values. */
  errors?: FieldError[];
  /** Present only in debug mode. */
  debug?: ProblemDebugInfo;
  /** Extension members from an error's `details`. */
  [extension: string]: unknown;
}

/** What a {@link ResponseFormatter} is told about the failure. */
export interface ProblemContext {
  /** The thrown value, as thrown. */
  exception: unknown;
  /** The platform request (Express `Request` on Express). */
  request: unknown;
  /** False for unexpected errors (5xx and not listed in `expectedErrors`). */
  expected: boolean;
  /** The negotiated language of `title` and fixed details. */
  language: string;
}

/**
 * Replaces the JSON body. It receives the problem Faultline built and returns the body to send
 * as `application/json`. HTML and plain-text answers keep their own pages.
 *
 * @example
 * responseFormatter: (p) => ({ message: p.detail, code: p.code, errors: p.errors ?? [] })
 */
export type ResponseFormatter = (problem: ProblemDetails, context: ProblemContext) => unknown;

/**
 * An existing error contract the filter keeps (the `compat` option): `'nest'` is Nest's own
 * shape, `'http-exception-body'` an `HttpException`'s own response body.
 */
export type CompatMode = 'nest' | 'http-exception-body';

/**
 * Renders the HTML page of a failure (the `htmlRenderer` option): the whole document. What it
 * writes is sent as it is: escape what you take from the problem, which holds client input.
 *
 * @example
 * htmlRenderer: (p) => `<!doctype html><title>${escapeHtml(p.title)}</title><h1>${escapeHtml(p.title)}</h1>`
 */
export type HtmlRenderer = (problem: ProblemDetails, context: ProblemContext) => string;
