import { Inject, Injectable } from '@nestjs/common';
import { ExceptionRegistry } from '../errors/exception-registry';
import type { ExceptionType, MappedError } from '../errors/exception-mapper.interface';
import { isExpectedFailure } from '../errors/expected-failure';
import type { FieldError } from '../errors/field-error.interface';
import { type ExtensionFaultReporter, IGNORE_EXTENSION_FAULTS } from '../kernel/extension-point';
import { type FailedOperation, FailureEvents, type HandledFailure } from '../kernel/failure-events';
import type { FailureLevel, LoggedRequest, RequestFailure } from '../kernel/request-context';
import { safeString } from '../kernel/safe-access';
import { EXTENSION_FAULTS, RESOLVED_OPTIONS } from '../kernel/tokens';
import { FailureLog } from '../logging/failure-log.service';
import type { FilterSettings } from './filter.settings';
import type { HttpRequestLike } from './http-request.interface';
import { negotiateLanguage } from './content-negotiation';
import { PROBLEM_MEMBERS, ProblemBuilder } from './problem-builder';
import type { ProblemDebugInfo } from './problem-details.interface';

/** What a client of a non-HTTP transport is told about a failure: the problem body's facts. */
export interface PublicFailure {
  /** The status the failure maps to (as it would be answered over HTTP). */
  status: number;
  /** Stable error code. */
  code: string;
  /** Short summary of the status, in the negotiated language. */
  title: string;
  /** What went wrong: a fixed text for an unexpected failure. */
  message: string;
  requestId: string;
  /** Field errors of a validation failure; never the rejected values. */
  errors?: FieldError[];
  /** Seconds to wait before retrying, for 429 and 503. */
  retryAfterSeconds?: number;
  /** Debug mode only. */
  debug?: ProblemDebugInfo;
  /** A shown error's extension members (its `details`, as a problem body has them: `constraint`, ...). */
  details?: Record<string, unknown>;
}

/**
 * What every transport's answer carries of a failure besides its status and message: the
 * extension members first, so none can take the place of Faultline's own.
 */
export function failureMembers(failure: PublicFailure): Record<string, unknown> {
  const members: Record<string, unknown> = { ...failure.details };
  members.code = failure.code;
  members.requestId = failure.requestId;
  if (failure.errors) members.errors = failure.errors;
  if (failure.retryAfterSeconds !== undefined) members.retryAfterSeconds = failure.retryAfterSeconds;
  if (failure.debug) members.debug = failure.debug;
  return members;
}

/** Where a failure outside an HTTP route happened, as its transport's filter knows it. */
export interface OperationSite {
  operation: FailedOperation;
  requestId: string;
  /**
   * The HTTP request the operation rode on (GraphQL over HTTP, an SSE stream): the failure goes
   * on its one request line. Without one, the failure gets a line of its own.
   */
  request?: HttpRequestLike;
  /** The route the request line names (a GraphQL operation as the client named it). */
  route?: string;
}

/**
 * Handles a failure outside a plain HTTP route the way the filter handles a request's: mapped by
 * the same registry, told once to the features (metrics, alerts, Sentry, audit), logged once,
 * and turned into what the client may see, by the same policy as a problem body.
 */
@Injectable()
export class OperationFailures {
  private readonly languages: string[];

  constructor(
    private readonly registry: ExceptionRegistry,
    private readonly builder: ProblemBuilder,
    private readonly failures: FailureLog,
    private readonly failureEvents: FailureEvents,
    @Inject(RESOLVED_OPTIONS) private readonly options: FilterSettings,
    @Inject(EXTENSION_FAULTS)
    private readonly faults: ExtensionFaultReporter = IGNORE_EXTENSION_FAULTS,
  ) {
    this.languages = [...options.catalogs.keys()];
  }

  /**
   * Maps, publishes and logs the failure; returns what its client may see. Never throws: when
   * Faultline itself fails here, the failure of the filter is logged and the client gets a
   * plain 500, so an RPC caller is answered rather than left to its timeout.
   */
  handle(exception: unknown, site: OperationSite): PublicFailure {
    try {
      return this.handleOrThrow(exception, site);
    } catch (filterError) {
      this.failures.filterFailed(exception, filterError, site.requestId);
      const catalog = this.builder.catalog(this.options.defaultLanguage);
      return {
        status: 500,
        code: 'INTERNAL_ERROR',
        title: catalog.titles[500],
        message: catalog.details.INTERNAL_ERROR,
        requestId: site.requestId,
      };
    }
  }

  /**
   * Maps a failure and tells the features of it once (an error tracker first, whose event id
   * goes on the failure); returns the mapping and what its log line says. The filter's HTTP path
   * and every other transport's share it.
   */
  publish(
    exception: unknown,
    requestId: string,
    request: unknown,
    operation?: FailedOperation,
  ): { mapped: MappedError; failure: RequestFailure } {
    // A mapper that throws is skipped (the next one decides, at worst 500) and logged.
    const mapped = this.registry.resolve(exception, (error: unknown, type: ExceptionType) =>
      this.faults.report({ point: 'mapper', error, requestId, name: safeString(type, 'name') }),
    );
    const expected = isExpectedFailure(mapped.status, exception, this.options.expectedErrors);
    const handled: HandledFailure = {
      exception,
      request,
      status: mapped.status,
      code: mapped.code,
      expected,
      requestId,
    };
    if (operation) handled.operation = operation;
    if (mapped.dependency !== undefined) handled.dependency = mapped.dependency;
    // Subscribers first: an error tracker's event id goes on the log line.
    this.failureEvents.publish(handled);
    const failure: RequestFailure = {
      exception,
      status: mapped.status,
      code: mapped.code,
      expected,
      level: failureLevel(mapped.status, expected),
      eventId: handled.eventId,
      tracked: handled.tracked,
      dependency: mapped.dependency,
    };
    return { mapped, failure };
  }

  private handleOrThrow(exception: unknown, site: OperationSite): PublicFailure {
    const { operation, requestId, request } = site;
    const { mapped, failure: base } = this.publish(exception, requestId, request, operation);
    const failure = { ...base, operation, route: site.route };
    if (request) this.failures.record(request as LoggedRequest, failure);
    else this.failures.operationFailed(failure, requestId);

    const language = negotiateLanguage(
      request?.headers?.['accept-language'],
      this.languages,
      this.options.defaultLanguage,
    );
    const problem = this.builder.build(
      mapped,
      exception,
      request ?? { method: operation.transport, url: operation.name },
      requestId,
      language,
    );
    const answer: PublicFailure = {
      status: problem.status,
      code: problem.code,
      title: problem.title,
      message: problem.detail,
      requestId,
    };
    if (problem.errors) answer.errors = problem.errors;
    if (mapped.status === 429 || mapped.status === 503) {
      answer.retryAfterSeconds = mapped.retryAfterSeconds ?? this.options.retryAfterSeconds;
    }
    if (problem.debug) answer.debug = problem.debug;
    for (const key of Object.keys(problem)) {
      if (!PROBLEM_MEMBERS.has(key)) (answer.details ??= {})[key] = problem[key];
    }
    return answer;
  }
}

/** Unexpected failures at `error`; expected 401 / 404 at `info`; other expected ones at `warn`. */
export function failureLevel(status: number, expected: boolean): FailureLevel {
  if (!expected) return 'error';
  return status === 401 || status === 404 ? 'info' : 'warn';
}
