import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ExceptionRegistry } from '../errors/exception-registry';
import type { ExceptionType } from '../errors/exception-mapper.interface';
import { isExpectedFailure } from '../errors/expected-failure';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import { escapeControl } from '../kernel/escape-control';
import { addTrackerFields, trackerText } from '../kernel/tracked-event';
import { FailureEvents, type HandledFailure } from '../kernel/failure-events';
import { MetricSources, type MetricSample } from '../kernel/metric-sources';
import { REQUEST_ID_PATTERN } from '../kernel/request-id';
import { RequestScope, runInRequestScope } from '../kernel/request-scope';
import { describeType, safeString } from '../kernel/safe-access';
import { Signals } from '../kernel/signals';
import { LOGGING_RUNTIME } from '../logging/logging.internal-constants';
import type { LoggingRuntime } from '../logging/logging-runtime';
import { logLine } from '../logging/request-line';
import { Redactor } from '../redaction/redactor';

/** What a job run is told about itself. */
export interface JobContext {
  /** The job's name, as given to {@link Jobs.run}. */
  name: string;
  /** This run's id: on every line written during the run (`jobId`), like a request's id. */
  id: string;
}

/** Options of one {@link Jobs.run}. */
export interface JobRunOptions {
  /**
   * The run's id, for a queue message that has one of its own (1-128 characters from `A-Z`,
   * `a-z`, `0-9`, `.`, `_`, `-`); otherwise a new UUID.
   */
  id?: string;
}

/** A job's name: what its metric, its alerts and its lines are labelled with. */
const JOB_NAME = /^[A-Za-z0-9._:-]{1,100}$/;
/** Job names with counts kept; a program has a handful, so a name beyond this is counted as `other`. */
const MAX_JOB_NAMES = 1000;

/**
 * Runs work that no request owns (a cron tick, a queue message, a script) the way Faultline
 * handles a request: with an id and a context of its own, so every line written during the run,
 * through `PinoLogger`, Nest's `Logger` or Faultline's channels, carries `job` and `jobId`; and
 * with its failure mapped by the same registry, logged once (`job failed`, with the redacted
 * error), counted, reported to Sentry and alerted with the same throttle as a request's. A run
 * that succeeds writes one `job completed` line with its duration.
 *
 * @example
 * @Cron('0 * * * *')
 * purge(): Promise<void> {
 *   return this.jobs.run('purge-read-notifications', () => this.notifications.purgeRead()).catch(() => undefined);
 * }
 */
@Injectable()
export class Jobs implements OnModuleInit {
  private readonly nest = new Logger('Jobs');
  private readonly counts = new Map<string, { succeeded: number; failed: number }>();

  constructor(
    private readonly registry: ExceptionRegistry,
    private readonly failures: FailureEvents,
    private readonly redactor: Redactor,
    private readonly metrics: MetricSources,
    private readonly signals: Signals,
    @Inject(LOGGING_RUNTIME) private readonly logging: LoggingRuntime | null,
    @Inject(RESOLVED_OPTIONS) private readonly options: { expectedErrors: readonly ExceptionType[] },
  ) {}

  onModuleInit(): void {
    this.metrics.add({
      name: 'faultline_jobs_total',
      help: 'Job runs by job name and outcome (succeeded, failed)',
      type: 'counter',
      read: () => this.samples(),
    });
  }

  /**
   * Runs `work` as one run of the job `name`; resolves with what it returns. When it throws or
   * rejects, the failure is logged, counted, reported and alerted once, and the promise rejects
   * with the same error, so a queue can retry the message (a scheduler that logs rejections
   * itself is better given `.catch(() => undefined)`).
   */
  async run<T>(
    name: string,
    work: (job: JobContext) => T | Promise<T>,
    options: JobRunOptions = {},
  ): Promise<T> {
    if (typeof name !== 'string' || !JOB_NAME.test(name)) {
      throw new TypeError(
        `Jobs.run(name) needs a job name of 1-100 characters from A-Z, a-z, 0-9, ".", "_", ":", "-"; got ${JSON.stringify(String(name)).slice(0, 120)}`,
      );
    }
    const id =
      typeof options.id === 'string' && REQUEST_ID_PATTERN.test(options.id) ? options.id : randomUUID();
    const logger = this.logging?.root.child({ job: name, jobId: id });
    const started = performance.now();
    try {
      const result = await runInRequestScope(new RequestScope(id, logger), () => work({ name, id }));
      this.finished(name, false);
      logger?.info(logLine({ job: name, jobId: id, durationMs: elapsed(started) }), 'job completed');
      return result;
    } catch (error) {
      this.failed(name, id, error, elapsed(started));
      throw error;
    }
  }

  private failed(name: string, id: string, error: unknown, durationMs: number): void {
    const mapped = this.registry.resolve(error);
    const expected = isExpectedFailure(mapped.status, error, this.options.expectedErrors);
    const failure: HandledFailure = {
      exception: error,
      request: undefined,
      status: mapped.status,
      code: mapped.code,
      expected,
      requestId: id,
      job: name,
    };
    if (mapped.dependency !== undefined) failure.dependency = mapped.dependency;
    // Subscribers first: the error tracker's event id goes on the line.
    this.failures.publish(failure);
    this.finished(name, true);
    const err = this.redactor.redactError(error);
    if (this.logging) {
      const line = logLine({
        job: name,
        jobId: id,
        durationMs,
        code: mapped.code,
        status: mapped.status,
        err,
      });
      addTrackerFields(line, failure);
      if (failure.dependency !== undefined) line.dependency = failure.dependency;
      this.logging.root[expected ? 'warn' : 'error'](line, 'job failed');
      return;
    }
    const text = escapeControl(
      `job ${name} failed ${mapped.status} ${mapped.code} jobId=${id}` +
        trackerText(failure) +
        ` ${describeType(error)}: ${this.redactor.redactString(safeString(error, 'message') ?? '')}`,
    );
    if (expected) this.nest.warn(text);
    else this.nest.error(text, escapeControl(safeString(err, 'stack') ?? ''));
  }

  private finished(name: string, failed: boolean): void {
    const key = this.counts.has(name) || this.counts.size < MAX_JOB_NAMES ? name : 'other';
    let entry = this.counts.get(key);
    if (!entry) this.counts.set(key, (entry = { succeeded: 0, failed: 0 }));
    if (failed) entry.failed++;
    else entry.succeeded++;
    this.signals.jobs.emit([key, failed]);
  }

  private samples(): MetricSample[] {
    const out: MetricSample[] = [];
    // Not `job`: Prometheus gives every series the `job` of its scrape target.
    for (const [name, c] of this.counts) {
      out.push({ labels: { job_name: name, outcome: 'succeeded' }, value: c.succeeded });
      out.push({ labels: { job_name: name, outcome: 'failed' }, value: c.failed });
    }
    return out;
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
