import type { HealthCheckResult, HealthIndicatorFunction, HealthIndicatorResult } from './health-check.types';

/**
 * Runs every indicator at once and merges what they answer, as Terminus's
 * `HealthCheckService.check` does: checks `up` or `degraded` go to `info`, checks `down` to
 * `error`, all of them to `details`; the status is `error` when one is down, else `degraded`
 * when one is degraded, else `ok`. Unlike Terminus 12, an indicator that throws (or answers
 * something that is not a result) does not abort the others: it is down, under the names of a
 * `HealthCheckError`'s `causes` when it throws one, else as `indicators[<index>]`.
 */
export async function runChecks(indicators: readonly HealthIndicatorFunction[]): Promise<HealthCheckResult> {
  const settled = await Promise.allSettled(indicators.map((indicator) => callIndicator(indicator)));
  const passing: HealthIndicatorResult[] = [];
  const failing: HealthIndicatorResult[] = [];
  settled.forEach((outcome, index) => {
    const fallbackName = `indicators[${index}]`;
    const result =
      outcome.status === 'fulfilled'
        ? asResult(outcome.value, fallbackName)
        : downResultOf(outcome.reason, fallbackName);
    for (const [name, value] of Object.entries(result)) {
      if (value.status === 'up' || value.status === 'degraded') passing.push({ [name]: value });
      else if (value.status === 'down') failing.push({ [name]: value });
      // Terminus leaves out a check with any other status; so does Faultline.
    }
  });
  const info: HealthIndicatorResult = Object.assign({}, ...passing);
  const error: HealthIndicatorResult = Object.assign({}, ...failing);
  // A name both up and down (two indicators using one key) ends up down, as in Terminus.
  const details: HealthIndicatorResult = Object.assign({}, ...passing, ...failing);
  let status: HealthCheckResult['status'] = 'ok';
  if (passing.some((r) => Object.values(r).some((v) => v.status === 'degraded'))) status = 'degraded';
  if (failing.length > 0) status = 'error';
  return { status, info, error, details };
}

/**
 * Calls an indicator and awaits its answer. Terminus takes a function or a `HealthCheckAttempt`
 * (a thenable that runs its check each time it is awaited); awaiting either gives the result,
 * and a function returning an attempt is flattened by the same await.
 */
export async function callIndicator(indicator: HealthIndicatorFunction): Promise<unknown> {
  return typeof indicator === 'function' ? await indicator() : await indicator;
}

/** `value` when it is an indicator result; otherwise a `down` under `fallbackName`. */
export function asResult(value: unknown, fallbackName: string): HealthIndicatorResult {
  if (!isRecord(value)) return downNamed(fallbackName, 'did not answer a health indicator result');
  const result: HealthIndicatorResult = {};
  for (const [name, check] of Object.entries(value)) {
    // A check without an object (`{ db: null }`) would crash Terminus; here it is down.
    result[name] = isRecord(check)
      ? (check as HealthIndicatorResult[string])
      : { status: 'down', message: 'did not answer a status' };
  }
  return result;
}

/**
 * The checks a thrown error names, else one `down` under `fallbackName`. Terminus 10 and 11's
 * `HealthCheckError` is recognised by its shape (a `causes` object of results), never by its
 * class, so Faultline does not load Terminus to find out.
 */
export function downResultOf(err: unknown, fallbackName: string): HealthIndicatorResult {
  const causes = (err as { causes?: unknown } | null)?.causes;
  const named: HealthIndicatorResult = {};
  if (isRecord(causes)) {
    for (const [name, value] of Object.entries(causes)) {
      if (!isRecord(value)) continue;
      named[name] = { ...value, status: 'down' };
    }
  }
  if (Object.keys(named).length > 0) return named;
  return downNamed(fallbackName, err instanceof Error ? err.message : String(err));
}

function downNamed(name: string, message: string): HealthIndicatorResult {
  return { [name]: { status: 'down', message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
