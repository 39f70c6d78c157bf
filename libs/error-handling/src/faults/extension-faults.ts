import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '../kernel/clock';
import type { ExtensionFault, ExtensionFaultReporter, ExtensionPoint } from '../kernel/extension-point';
import type { LoggingRuntime } from '../logging/logging-runtime';
import type { Redactor } from '../redaction/redactor';
import { FAULTLINE_CONTEXT, nestLine, stackFrames, writeToPino } from './fault-line';

/** How long after a logged failure further failures of the same extension are only counted. */
export const EXTENSION_FAULT_WINDOW_MS = 60_000;

/** Distinct extensions tracked one by one; past this, failures are counted per point only. */
const MAX_TRACKED = 256;

interface Tracked {
  point: ExtensionPoint;
  name: string | undefined;
  /** When the last line for this extension was written. */
  loggedAt: number;
  /** Failures since that line that were counted, not logged. */
  suppressed: number;
}

const MESSAGES: Readonly<Record<ExtensionPoint, string>> = {
  mapper: 'exception mapper threw',
  'failure-subscriber': 'failure subscriber threw',
  'readiness-listener': 'readiness listener threw',
  'suspicious-activity-listener': 'suspicious-activity listener threw',
  'request-finish-listener': 'request finish listener threw',
  'endpoint-guard': 'endpoint guard threw',
};

/**
 * Logs what Faultline's extension points catch (a mapper's `map()`, a failure subscriber, a
 * readiness, suspicious-activity or request-finish listener): at `error`, with the extension
 * point, the mapper's class or the listener's name, the requestId when there is a request, and
 * the redacted error.
 *
 * Rate-limited per extension (point and name): the first failure is logged at once; further
 * failures within {@link EXTENSION_FAULT_WINDOW_MS} are counted, and the next line written for
 * that extension carries `suppressed`, how many were not logged since the line before. At
 * shutdown, counts not yet reported get one line each. A listener that throws on every request
 * writes one line a minute, not one a request.
 */
export class ExtensionFaults implements ExtensionFaultReporter, OnApplicationShutdown {
  private readonly nest = new Logger(FAULTLINE_CONTEXT);
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly redactor: Redactor,
    private readonly runtime: LoggingRuntime | null,
    private readonly clock: Clock,
    private readonly windowMs = EXTENSION_FAULT_WINDOW_MS,
  ) {}

  report(fault: ExtensionFault): void {
    try {
      const now = this.clock.now();
      let key = fault.name === undefined ? fault.point : `${fault.point}\u0000${fault.name}`;
      if (!this.tracked.has(key) && this.tracked.size >= MAX_TRACKED) key = fault.point;
      const entry = this.tracked.get(key);
      if (entry && now - entry.loggedAt < this.windowMs) {
        entry.suppressed++;
        return;
      }
      const suppressed = entry?.suppressed ?? 0;
      this.tracked.set(key, {
        point: fault.point,
        name: key === fault.point ? undefined : fault.name,
        loggedAt: now,
        suppressed: 0,
      });
      this.write(
        fault.point,
        fault.name,
        this.redactor.redactError(fault.error),
        fault.requestId,
        suppressed,
      );
    } catch {
      // Reporting a failure must never become one: the extension point carries on regardless.
    }
  }

  /** Reports the failures counted since the last line of each extension. */
  onApplicationShutdown(): void {
    for (const entry of this.tracked.values()) {
      if (entry.suppressed === 0) continue;
      const fields = this.fields(entry.point, entry.name, undefined, entry.suppressed);
      const message = `${MESSAGES[entry.point]} ${entry.suppressed} more times`;
      entry.suppressed = 0;
      try {
        if (this.runtime) this.runtime.root.error({ context: FAULTLINE_CONTEXT, ...fields }, message);
        else this.nest.error(nestLine(message, fields));
      } catch {
        // Shutdown goes on.
      }
    }
  }

  private write(
    point: ExtensionPoint,
    name: string | undefined,
    err: Record<string, unknown>,
    requestId: string | undefined,
    suppressed: number,
  ): void {
    const fields = this.fields(point, name, requestId, suppressed);
    const message = MESSAGES[point];
    if (this.runtime) {
      writeToPino(this.runtime, 'error', { ...fields, err }, message);
      return;
    }
    this.nest.error(nestLine(message, fields, err), stackFrames(err));
  }

  private fields(
    point: ExtensionPoint,
    name: string | undefined,
    requestId: string | undefined,
    suppressed: number,
  ): Record<string, unknown> {
    const fields: Record<string, unknown> = { extensionPoint: point };
    if (name !== undefined)
      fields[point === 'mapper' ? 'mapperFor' : 'listener'] = this.redactor.redactString(name);
    if (requestId !== undefined) fields.requestId = requestId;
    if (suppressed > 0) fields.suppressed = suppressed;
    return fields;
  }
}
