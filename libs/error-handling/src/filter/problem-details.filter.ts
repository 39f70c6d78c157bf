import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  httpPlatform,
  type HttpPlatform,
  nodeRequest,
  nodeResponse,
  platformErrorOf,
} from '../kernel/http-exchange';
import { AppError } from '../errors/app.error';
import { mapFastifyError } from '../errors/mappers/fastify.mapper';
import { ExceptionRegistry } from '../errors/exception-registry';
import { EXTENSION_FAULTS, RESOLVED_OPTIONS } from '../kernel/tokens';
import { type ExtensionFaultReporter, IGNORE_EXTENSION_FAULTS } from '../kernel/extension-point';
import { safeString } from '../kernel/safe-access';
import type { FilterSettings } from './filter.settings';
import { negotiateFormat, negotiateLanguage, type ProblemFormat } from './content-negotiation';
import { compatBody } from './compat-body';
import { FailureEvents } from '../kernel/failure-events';
import { FailureLog } from '../logging/failure-log.service';
import type { LoggedRequest } from '../kernel/request-context';
import type { HttpRequestLike } from './http-request.interface';
import { ProblemBuilder } from './problem-builder';
import { HTML_PAGE_CSP, renderHtmlPage, renderTextPage, TEXT_PAGE_CSP } from './problem-page';
import { ensureRequestId } from '../kernel/request-id';
import { OperationFailures } from './operation-failures';
import { answerGraphql, answerRpc, answerWs } from './transport-answers';

const CONTENT_TYPES = {
  json: 'application/problem+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

const FAILSAFE_BODY = (requestId: string | undefined): string =>
  JSON.stringify({
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred.',
    code: 'INTERNAL_ERROR',
    requestId,
  });

/**
 * The global exception filter: every failure becomes an RFC 9457 problem body (or an HTML or
 * text page, by `Accept`), is logged once, and never leaks internals outside debug mode.
 * It replies through `HttpAdapterHost`, so it does not depend on Express: on Fastify it gets
 * Fastify's request and reply, keeps the request's id and failure on the Node request under it
 * (where Faultline's request line finds them) and hands the Fastify request to subscribers.
 */
@Catch()
@Injectable()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly languages: string[];
  private readonly incomingIdHeader: string;
  /** The request headers an answer varies by, for `Vary`. */
  private readonly vary: readonly string[] | undefined;
  /** The adapter's platform, read at the first failure (the adapter is set by then, and stays). */
  private platformType: HttpPlatform | undefined;
  private get platform(): HttpPlatform {
    return (this.platformType ??= httpPlatform(this.adapterHost.httpAdapter?.getType()));
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: ExceptionRegistry,
    private readonly builder: ProblemBuilder,
    private readonly failures: FailureLog,
    private readonly failureEvents: FailureEvents,
    @Inject(RESOLVED_OPTIONS) private readonly options: FilterSettings,
    private readonly operations: OperationFailures,
    @Inject(EXTENSION_FAULTS)
    private readonly faults: ExtensionFaultReporter = IGNORE_EXTENSION_FAULTS,
  ) {
    this.languages = [...options.catalogs.keys()];
    this.incomingIdHeader = options.requestIdHeader.toLowerCase();
    // What the answer depends on: `Accept` when there is more than one format to choose from,
    // `Accept-Language` when there is more than one language.
    const vary = [
      ...(options.formats.size > 1 ? ['Accept'] : []),
      ...(this.languages.length > 1 ? ['Accept-Language'] : []),
    ];
    this.vary = vary.length > 0 ? vary : undefined;
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const type = host.getType<string>();
    if (type !== 'http') return this.answerOther(type, exception, host);
    const http = host.switchToHttp();
    this.answerHttp(exception, http.getRequest<HttpRequestLike>(), http.getResponse<unknown>());
  }

  /**
   * Answers a request no route matched, as Nest does (a `NotFoundException` of "Cannot GET
   * /path", through the same mapping, body, line and subscribers as any other failure), without
   * the stack Nest's own would capture, which points into Nest's router and is never shown or
   * logged for an expected 404: a flood of unknown paths (a scanner's) costs less. Used in place
   * of Nest's handler only when Faultline's filter is the application's only global filter
   * ({@link answerUnknownRoutes}).
   */
  answerUnknownRoute(req: HttpRequestLike, res: unknown): void {
    const adapter = this.adapterHost.httpAdapter;
    const message = `Cannot ${String(adapter.getRequestMethod(req))} ${String(adapter.getRequestUrl(req))}`;
    const limit = Error.stackTraceLimit;
    let exception: NotFoundException;
    try {
      Error.stackTraceLimit = 0;
      exception = new NotFoundException(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.answerHttp(exception, req, res);
  }

  /** An HTTP failure: answered, logged once, published once; a failure of its own gets the failsafe body. */
  private answerHttp(exception: unknown, req: HttpRequestLike, res: unknown): void {
    let requestId: string | undefined;
    try {
      // The id lives on the Node request (Fastify's `request.raw`): Faultline's middleware put it there.
      const node = nodeRequest(req);
      // On Fastify, an id on it that Faultline did not assign is Fastify's own counter.
      requestId = ensureRequestId(node, this.incomingIdHeader, this.platform !== 'fastify');
      if (node !== req) syncRequestId(req, requestId);
      this.handle(fromPlatformError(exception, node), req, node, res, requestId);
    } catch (filterError) {
      this.failures.filterFailed(exception, filterError, requestId);
      writeFailsafe(res, requestId, this.options.requestIdHeader);
    }
  }

  /** GraphQL, RPC and WebSocket failures: each answered in its transport's own shape. */
  private answerOther(type: string, exception: unknown, host: ArgumentsHost): unknown {
    if (type === 'graphql') return answerGraphql(this.operations, exception, host);
    if (type === 'rpc') return answerRpc(this.operations, exception, host);
    if (type === 'ws') return answerWs(this.operations, exception, host);
    // A transport Faultline does not know: Nest's own handling applies.
    throw exception;
  }

  private handle(
    exception: unknown,
    req: HttpRequestLike,
    node: HttpRequestLike,
    res: unknown,
    requestId: string,
  ): void {
    const { mapped, failure } = this.operations.publish(exception, requestId, req);
    const expected = failure.expected;
    const adapter = this.adapterHost.httpAdapter;

    // Fastify's reply counts as sent once ended; a handler may have written its Node response.
    if (adapter.isHeadersSent(res) || nodeResponse(res)?.headersSent === true) {
      // On the Node request, where the request line of Faultline's middleware looks for it.
      this.failures.record(node as LoggedRequest, failure);
      // The status line is gone: the only honest signal left is to cut the response short.
      abort(res);
      return;
    }
    const headers = req.headers ?? {};
    const formats = this.options.formats;
    const format = formats.size === 1 ? 'json' : allowedFormat(negotiateFormat(headers.accept), formats);
    const language = negotiateLanguage(
      headers['accept-language'],
      this.languages,
      this.options.defaultLanguage,
    );
    const problem = this.builder.build(mapped, exception, req, requestId, language);
    // An expected failure's line says what the client was told (redacted already).
    if (expected) {
      failure.detail = problem.detail;
      if (problem.errors) failure.fieldErrors = problem.errors;
    }
    this.failures.record(node as LoggedRequest, failure);

    let body: string;
    let contentType: string = CONTENT_TYPES[format];
    // The language of the answer, when every text of it is known to be in one.
    let servedLanguage: string | undefined;
    const context = { exception, request: req, expected, language };
    if (format === 'html') {
      body = this.options.htmlRenderer
        ? this.options.htmlRenderer(problem, context)
        : renderHtmlPage(problem, this.builder.catalog(language), language);
      servedLanguage = this.builder.servedLanguage(problem);
    } else if (format === 'text') {
      body = renderTextPage(problem, this.builder.catalog(language));
      servedLanguage = this.builder.servedLanguage(problem);
    } else if (this.options.compat) {
      body = JSON.stringify(compatBody(this.options.compat, exception, mapped, problem));
      contentType = 'application/json; charset=utf-8';
    } else if (this.options.responseFormatter) {
      body = JSON.stringify(this.options.responseFormatter(problem, context));
      contentType = 'application/json; charset=utf-8';
    } else {
      body = JSON.stringify(problem);
      servedLanguage = this.builder.servedLanguage(problem);
    }

    // Express's response is Node's own, and so is the response Nest hands the filter on Fastify
    // for an error thrown in a middleware: written to directly. Fastify's reply goes through
    // the adapter, which keeps the headers set on it (@fastify/helmet's).
    const direct = this.platform === 'express' || nodeResponse(res) === res;
    const out = direct ? nodeResponse(res) : undefined;
    const set = (name: string, value: string): void => {
      if (out) out.setHeader(name, value);
      else adapter.setHeader(res, name, value);
    };
    set(this.options.requestIdHeader, requestId);
    set('Content-Type', contentType);
    // Only what is true: a body with the application's own message in it is in no known language.
    if (servedLanguage !== undefined) set('Content-Language', servedLanguage);
    if (this.options.cacheControl !== false) set('Cache-Control', this.options.cacheControl);
    // Added to what the application varies by (CORS's Origin), never in its place.
    if (this.vary !== undefined) {
      const vary = mergeVary(headerOf(res, 'vary'), this.vary);
      if (vary !== undefined) set('Vary', vary);
    }
    // Browsers must not sniff an error body into something else, and a page may load and run
    // nothing. Headers the application set (helmet's, its own policy) are kept as they are.
    if (headerOf(res, 'x-content-type-options') === undefined) {
      set('X-Content-Type-Options', 'nosniff');
    }
    if (format !== 'json' && headerOf(res, 'content-security-policy') === undefined) {
      set('Content-Security-Policy', format === 'html' ? HTML_PAGE_CSP : TEXT_PAGE_CSP);
    }
    if ((mapped.status === 429 || mapped.status === 503) && headerOf(res, 'retry-after') === undefined) {
      set('Retry-After', String(mapped.retryAfterSeconds ?? this.options.retryAfterSeconds));
    }
    if (out) {
      // Straight to the response: an error body needs no ETag, no charset sniffing, no freshness check.
      out.statusCode = mapped.status;
      set('Content-Length', String(Buffer.byteLength(body)));
      out.end(body);
    } else {
      adapter.reply(res, body, mapped.status);
    }
  }
}

/**
 * Nest answers Fastify's own errors (a body Fastify's parser rejected: invalid JSON, too large,
 * an unsupported media type) with a new `HttpException` of their message and status, which loses
 * what they were; this hands the filter Fastify's error, recognised by its `code`, as an
 * `AppError` with the original as its cause (as Express's body-parser errors are).
 */
function fromPlatformError(exception: unknown, node: object): unknown {
  const original = platformErrorOf(node);
  if (original === undefined || !(exception instanceof HttpException)) return exception;
  const mapped = mapFastifyError(original);
  if (
    !mapped ||
    exception.getStatus() !== mapped.status ||
    exception.message !== safeString(original, 'message')
  ) {
    return exception;
  }
  return new AppError(mapped.message ?? exception.message, mapped.code, {
    status: mapped.status,
    cause: original,
    messageKey: mapped.messageKey,
    messageParams: mapped.messageParams,
  });
}

/** Gives the platform (Fastify) request the id of its Node request, so every reader sees one id. */
function syncRequestId(req: HttpRequestLike, requestId: string): void {
  if (req.id === requestId) return;
  try {
    req.id = requestId;
  } catch {
    // A frozen or proxied request: its Node request has the id.
  }
}

/**
 * The response's value of a header, if it has one: on the platform response (Fastify's reply
 * keeps headers set through `reply.header()`, as @fastify/helmet does, until it sends), else the
 * raw one.
 */
function headerOf(res: unknown, name: string): unknown {
  const platform = res as { getHeader?: (name: string) => unknown };
  if (typeof platform.getHeader === 'function') {
    try {
      // Fastify's reply looks at the Node response too; on Express the two are one.
      return platform.getHeader(name);
    } catch {
      // Not a getter this code understands: the raw response decides.
    }
  }
  return nodeResponse(res)?.getHeader(name);
}

/**
 * `Vary` with `tokens` added to what the response varies by already (case-insensitively, each
 * once); undefined when nothing is to change. `*` varies by everything: it stays as it is.
 */
export function mergeVary(existing: unknown, tokens: readonly string[]): string | undefined {
  const current =
    typeof existing === 'string'
      ? existing
      : Array.isArray(existing)
        ? existing.join(', ')
        : existing === undefined || existing === null
          ? ''
          : String(existing);
  if (current.trim() === '') return tokens.join(', ');
  const have = new Set(current.split(',').map((t) => t.trim().toLowerCase()));
  if (have.has('*')) return undefined;
  const missing = tokens.filter((t) => !have.has(t.toLowerCase()));
  return missing.length === 0 ? undefined : `${current}, ${missing.join(', ')}`;
}

/** The negotiated format when the options allow it, else JSON. */
function allowedFormat(format: ProblemFormat, formats: ReadonlySet<ProblemFormat>): ProblemFormat {
  return formats.has(format) ? format : 'json';
}

function abort(res: unknown): void {
  const raw = nodeResponse(res);
  if (raw && !raw.writableEnded) raw.destroy();
}

/** The last resort when building the answer failed: a minimal 500 problem body. */
function writeFailsafe(res: unknown, requestId: string | undefined, idHeader: string): void {
  const raw = nodeResponse(res);
  if (!raw) return;
  try {
    if (raw.headersSent) {
      if (!raw.writableEnded) raw.destroy();
      return;
    }
    raw.statusCode = 500;
    raw.setHeader('Content-Type', CONTENT_TYPES.json);
    raw.setHeader('Cache-Control', 'no-store');
    if (raw.getHeader('x-content-type-options') === undefined)
      raw.setHeader('X-Content-Type-Options', 'nosniff');
    if (requestId) raw.setHeader(idHeader, requestId);
    raw.end(FAILSAFE_BODY(requestId));
  } catch {
    raw.destroy();
  }
}
