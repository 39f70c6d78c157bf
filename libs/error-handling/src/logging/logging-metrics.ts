import { type MetricSource, singleMetric } from '../kernel/metric-sources';
import type { FatalLogListeners } from './fatal-log';
import type { LogOutputStats } from './log-destination';

/**
 * Fatal lines and the log backlog of Faultline's destination, read when scraped; the backlog is
 * zero when lines go to a stream of the application's (or logging is off).
 */
export function loggingMetrics(
  fatal: FatalLogListeners | undefined,
  output: LogOutputStats | undefined,
): MetricSource[] {
  return [
    singleMetric(
      'faultline_fatal_logs_total',
      'Log lines written at fatal level',
      'counter',
      () => fatal?.count ?? 0,
    ),
    singleMetric(
      'faultline_log_lines_dropped_total',
      "Log lines dropped because the log backlog was full (logging.overflow: 'drop')",
      'counter',
      () => output?.droppedLines ?? 0,
    ),
    singleMetric(
      'faultline_log_buffer_bytes',
      'Bytes of log lines waiting to be written to the log output',
      'gauge',
      () => output?.bufferedBytes ?? 0,
    ),
    singleMetric(
      'faultline_log_blocked_seconds_total',
      "Seconds the application waited for the log output because the backlog was full (logging.overflow: 'block')",
      'counter',
      () => output?.blockedSeconds ?? 0,
    ),
  ];
}
