import type { IncomingMessage } from 'node:http';
import type { ManagementEndpoint } from './management.options';

/**
 * Decides whether a request may read the probes or the metrics: resolve `true` to let it
 * through; anything else (a throw included) answers 403. It gets Node's request (Express's
 * `req`, Fastify's `request.raw`, or the management server's), wherever the endpoint is served,
 * and runs before each answer: keep it cheap (compare a header, an address), since the liveness
 * probe runs it too.
 *
 * @example
 * (req) => req.headers['x-probe-key'] === process.env.PROBE_KEY
 */
export type EndpointGuard = (req: IncomingMessage) => boolean | Promise<boolean>;

/** What an operational endpoint (a probe, the metrics) answers. */
export interface OpsAnswer {
  status: number;
  /** A JSON body, or text (with its `Content-Type` among the headers). */
  body: Record<string, unknown> | string;
  headers?: Record<string, string>;
  /**
   * For an answer that refuses or reports a problem: what the request line carries, as a
   * failure that was expected (logged at `warn`, not `error`).
   */
  failure?: { error: Error; code: string };
}

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** Runs before an endpoint's answer: an answer refuses the request, `undefined` lets it through. */
export type Admission = (req: IncomingMessage) => MaybePromise<OpsAnswer | undefined>;

/** A GET endpoint a feature serves: on the application's HTTP adapter, or on the management server. */
export interface OpsEndpoint {
  /** The feature it belongs to, as `management.endpoints` names it. */
  feature: ManagementEndpoint;
  /** The option that sets its path (`health.livenessPath`), named in start-up errors. */
  option: string;
  path: string;
  /** Served under the application's global prefix (on the application's port only). */
  useGlobalPrefix: boolean;
  /** Checked first (the metrics token): its answer refuses the request. */
  admit?: Admission;
  /** The feature's guard option, checked next: anything but `true` answers 403. */
  guard?: EndpointGuard;
  answer(req: IncomingMessage): MaybePromise<OpsAnswer>;
}

/** The media type of the problem bodies the endpoints answer with. */
const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/**
 * An RFC 9457 problem answer, in the shape of the filter's (`type`, `title`, `status`, `detail`,
 * `code`, and the request's id when it has one), for requests refused before any handler of
 * the application runs. `error` is what the request line shows; it must not carry a secret.
 */
export function problemAnswer(
  req: IncomingMessage | undefined,
  problem: { status: number; code: string; title: string; detail: string; error?: Error },
  headers: Record<string, string> = {},
): OpsAnswer {
  const id = (req as { id?: unknown } | undefined)?.id;
  const body: Record<string, unknown> = {
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
  };
  if (typeof id === 'string' && id !== '') body.requestId = id;
  return {
    status: problem.status,
    body,
    headers: { 'Content-Type': PROBLEM_JSON, ...headers },
    failure: problem.error ? { error: problem.error, code: problem.code } : undefined,
  };
}

/** What the request line of a request a guard refused shows as its `err`. */
export class GuardRefused extends Error {}

/** The 403 answer of a request the feature's guard did not let through. */
export function guardRefusal(req: IncomingMessage, feature: ManagementEndpoint): OpsAnswer {
  return problemAnswer(req, {
    status: 403,
    code: 'PERMISSION_DENIED',
    title: 'Forbidden',
    detail: 'This request may not read this endpoint.',
    error: new GuardRefused(`${feature}.guard refused the request`),
  });
}
