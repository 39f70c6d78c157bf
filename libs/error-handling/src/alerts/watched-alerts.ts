import type { HandledFailure } from '../kernel/failure-events';
import type { FailureSite } from '../kernel/failure-fingerprint';
import { clientIp, type LoggedRequest } from '../kernel/request-context';
import { safeString } from '../kernel/safe-access';
import type { SuspiciousActivitySignal } from '../kernel/signals';
import type { Alert } from './alert.interface';
import type { ErrorRateBreach } from './error-rate.monitor';

// The alerts AlertService raises for what it watches, built from what it heard: pure functions
// of their inputs, as fatalAlert (./fatal-alert.ts) is for a fatal line.

/** A fraction as the rate alerts' titles show it: `21.43 %`. */
const percent = (x: number): string => `${(x * 100).toFixed(2)} %`;

/** The request error rate over its threshold. */
export function errorRateAlert(b: ErrorRateBreach): Alert {
  return {
    kind: 'error-rate',
    title: `Error rate ${percent(b.rate)} over ${percent(b.threshold)} in the last ${b.windowSeconds} s`,
    fingerprint: 'error-rate',
    details: { errors: b.errors, requests: b.requests, windowSeconds: b.windowSeconds },
  };
}

/** One job's failure rate over its threshold. */
export function jobFailureRateAlert(job: string, b: ErrorRateBreach): Alert {
  return {
    kind: 'job-failure-rate',
    title: `Job ${job} failing: ${percent(b.rate)} of ${b.requests} runs in the last ${b.windowSeconds} s`,
    fingerprint: `job-failure-rate ${job}`,
    details: {
      job,
      failed: b.errors,
      runs: b.requests,
      threshold: b.threshold,
      windowSeconds: b.windowSeconds,
    },
  };
}

/** One SSE route's rate of failed streams over its threshold. */
export function sseErrorRateAlert(route: string, b: ErrorRateBreach): Alert {
  return {
    kind: 'sse-error-rate',
    title: `SSE ${route} failing: ${percent(b.rate)} of ${b.requests} streams in the last ${b.windowSeconds} s`,
    fingerprint: `sse-error-rate ${route}`,
    route,
    details: {
      route,
      failed: b.errors,
      streams: b.requests,
      threshold: b.threshold,
      windowSeconds: b.windowSeconds,
    },
  };
}

/** Readiness turned false because a check failed (`reason`, which starts with `failing`). */
export function readinessAlert(reason: string): Alert {
  return {
    kind: 'readiness',
    severity: 'critical',
    title: `Readiness turned false: ${reason}`.slice(0, 200),
    message: `/ready answers 503: ${reason}`,
    fingerprint: `readiness ${reason}`,
  };
}

/** Security events of one kind from one address past their threshold. */
export function suspiciousActivityAlert(a: SuspiciousActivitySignal): Alert {
  return {
    kind: 'suspicious-activity',
    severity: 'warning',
    title: `Suspicious activity: ${a.kind} from ${a.ip}`,
    fingerprint: `suspicious-activity ${a.kind} ${a.ip}`,
    ip: a.ip,
    userId: a.event.actorId,
    requestId: a.event.requestId,
    method: a.event.method,
    route: a.event.route,
    details: { count: a.count, threshold: a.threshold, windowSeconds: a.windowMs / 1000 },
  };
}

/**
 * The title of an unexpected failure's alert: status, code and where it failed; a dependency
 * that cannot be reached fails every route that uses it, and is named first.
 */
export function serverErrorTitle(f: HandledFailure, site: FailureSite): string {
  return f.dependency === undefined
    ? `${f.status} ${f.code} ${site.where}`
    : `${f.dependency} unavailable: ${f.status} ${f.code} ${site.where}`;
}

/**
 * The alert of an unexpected failure (`kind: 'server-error'`): the error, the request (its
 * headers, query and body, redacted when the message is built), the user and the Sentry event.
 * Built only for a failure the throttle and the budget let through.
 */
export function serverErrorAlert(
  f: HandledFailure,
  site: FailureSite,
  title: string,
  userId: (req: LoggedRequest) => string | number | undefined,
): Alert {
  const req = (f.request ?? {}) as LoggedRequest;
  const operation = f.operation;
  return {
    kind: 'server-error',
    title,
    fingerprint: site.fingerprint,
    code: f.code,
    errorClass: site.errorClass,
    message:
      safeString(f.exception, 'message') ?? (typeof f.exception === 'string' ? f.exception : undefined),
    method: req.method,
    path: String(req.originalUrl ?? req.url ?? ''),
    route: site.route,
    status: f.status,
    userId: userId(req),
    ip: clientIp(req),
    requestId: f.requestId,
    request: { headers: req.headers, query: req.query, body: req.body },
    stack: safeString(f.exception, 'stack'),
    sentryEventId: f.eventId,
    details:
      f.dependency === undefined && f.job === undefined && operation === undefined
        ? undefined
        : {
            ...(f.job === undefined ? {} : { job: f.job }),
            ...(operation === undefined ? {} : { transport: operation.transport }),
            ...(f.dependency === undefined ? {} : { dependency: f.dependency }),
          },
  };
}
