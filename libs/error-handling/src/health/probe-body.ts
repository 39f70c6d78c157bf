import type { HealthCheckResult, HealthIndicatorResult } from './health-check.types';
import type { Redactor } from '../redaction/redactor';

/** A probe body: Terminus's shape, each check reduced to what may be shown. */
export interface ProbeBody extends Record<string, unknown> {
  status: string;
  info?: Record<string, ProbeCheck>;
  error?: Record<string, ProbeCheck>;
  details?: Record<string, ProbeCheck>;
}

/** One check in a probe body: its state, and in debug mode what went wrong. */
export interface ProbeCheck {
  status: string;
  message?: string;
}

/**
 * The body of `/ready`. Outside debug mode a check shows its state only: driver messages carry
 * host names, ports, users and sometimes connection strings, and a probe is often reachable by
 * more people than the logs are. In debug mode a failing check's message is shown, redacted.
 */
export function probeBody(result: HealthCheckResult, debug: boolean, redactor: Redactor): ProbeBody {
  const clean = (checks: Partial<HealthIndicatorResult> | undefined): Record<string, ProbeCheck> => {
    const out: Record<string, ProbeCheck> = {};
    for (const [name, value] of Object.entries(checks ?? {})) {
      const check: ProbeCheck = { status: String(value?.status ?? 'down') };
      const message = (value as { message?: unknown } | undefined)?.message;
      if (debug && check.status !== 'up' && message !== undefined) {
        check.message = redactor.redactString(String(message));
      }
      out[name] = check;
    }
    return out;
  };
  return {
    status: result.status,
    info: clean(result.info),
    error: clean(result.error),
    details: clean(result.details),
  };
}
