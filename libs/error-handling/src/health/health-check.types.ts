/*
 * Faultline runs its readiness checks itself, so it needs no @nestjs/terminus: Terminus 12 is
 * ES modules only (a CommonJS app's Jest cannot require it) and Terminus 11 declares Nest <= 11,
 * so depending on either breaks one of the Nest majors. These types are shaped like Terminus's
 * own (10, 11 and 12), so an indicator written for Terminus, such as
 * `() => http.pingCheck('billing', url)`, type-checks as a Faultline indicator too.
 */

/** The state of one check: `degraded` is still serving (Terminus 12), `down` fails readiness. */
export type HealthIndicatorStatus = 'up' | 'degraded' | 'down';

/** What one indicator answers: its checks by name, each with its status and any more data. */
export type HealthIndicatorResult = Record<
  string,
  { status: HealthIndicatorStatus } & Record<string, unknown>
>;

/**
 * A readiness check: a function answering a {@link HealthIndicatorResult}, or a thenable one.
 * Terminus's `HealthIndicatorFunction`, including a function returning a `HealthCheckAttempt`
 * (Terminus 12's `indicators.check(key).attempt(fn)`), is assignable to it.
 */
export type HealthIndicatorFunction =
  (() => HealthIndicatorAnswer | PromiseLike<HealthIndicatorAnswer>) | PromiseLike<HealthIndicatorResult>;

/** A result, or a thenable of one (a `HealthCheckAttempt`): awaiting it gives the result. */
export type HealthIndicatorAnswer = HealthIndicatorResult | PromiseLike<HealthIndicatorResult>;

/** The overall status of `/ready`. */
export type HealthCheckStatus = 'ok' | 'degraded' | 'error' | 'shutting_down';

/** The checks of one `/ready`, merged: Terminus's `HealthCheckResult` shape. */
export interface HealthCheckResult {
  status: HealthCheckStatus;
  /** The checks that are `up` or `degraded`. */
  info?: HealthIndicatorResult;
  /** The checks that are `down`. */
  error?: HealthIndicatorResult;
  /** Every check. */
  details: HealthIndicatorResult;
}
