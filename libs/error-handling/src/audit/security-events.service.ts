import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { Listeners } from '../kernel/listeners';
import { Signals } from '../kernel/signals';
import { EXTENSION_FAULTS } from '../kernel/tokens';
import {
  type ExtensionFaultReporter,
  IGNORE_EXTENSION_FAULTS,
  listenerName,
} from '../kernel/extension-point';
import { FailureEvents } from '../kernel/failure-events';
import { LogChannels } from '../logging/log-channels.service';
import { Redactor } from '../redaction/redactor';
import { AUDIT_RUNTIME, securityRecorded } from './audit.internal-constants';
import { AuditService } from './audit.service';
import type { AuditEvent } from './audit-event.interface';
import type { ResolvedAudit } from './resolve-audit-options';
import { SecurityCounterStore } from './security-counter.store';
import { FAILED_SECURITY_KINDS, SecurityEventKind } from './security-event-kind';

/** Details of a security event; the request (by default the one being handled) fills the rest. */
export interface SecurityEventDetails {
  actorId?: string | number;
  ip?: string;
  /** Extra data, redacted before it is kept. Never put the submitted password here. */
  data?: Record<string, unknown>;
  /** The HTTP status the request was answered with, when known. */
  status?: number;
  /** The error code of the answer, when it was a failure. */
  errorCode?: string;
  request?: unknown;
}

/** Told once per window when one ip passes the threshold for one kind. */
export interface SuspiciousActivity {
  kind: SecurityEventKind;
  ip: string;
  count: number;
  windowMs: number;
  threshold: number;
  /** The event that crossed the threshold. */
  event: AuditEvent;
}

/** Something that acts on suspicious activity (the alerts feature); must not throw. */
export type SuspiciousActivityListener = (activity: SuspiciousActivity) => void;

/**
 * Records security events (stored with `kind: 'security'`, written to the `security` channel)
 * and watches for bursts: more than `threshold` events of one kind from one ip within
 * `windowMs` logs a `security` warning and notifies the suspicious-activity listeners.
 * Failures become security events by their code: UNAUTHENTICATED, PERMISSION_DENIED and
 * RATE_LIMITED are AUTH_REQUIRED, PERMISSION_DENIED and RATE_LIMIT_HIT, and
 * `audit.security.codes` adds the application's own (or takes one off).
 *
 * @example
 * this.security.record(SecurityEventKind.LOGIN_FAILED, { data: { username } });
 */
@Injectable()
export class SecurityEvents implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private unsubscribe: (() => void) | undefined;
  /** The kernel's suspicious-activity signal: this service is the only one that tells it. */
  private readonly listeners: Listeners<[SuspiciousActivity]>;
  /** The counters in use: see `createSecurityCounterStore()`. */
  private readonly counters: SecurityCounterStore | undefined;

  constructor(
    @Inject(AUDIT_RUNTIME) private readonly options: ResolvedAudit | false,
    private readonly audit: AuditService,
    private readonly channels: LogChannels,
    private readonly redactor: Redactor,
    private readonly failures: FailureEvents,
    signals: Signals,
    @Inject(EXTENSION_FAULTS)
    private readonly faults: ExtensionFaultReporter = IGNORE_EXTENSION_FAULTS,
    @Optional() @Inject(SecurityCounterStore) counters: SecurityCounterStore | null = null,
  ) {
    this.counters = options
      ? (counters ?? options.security.counterStore ?? options.security.localCounters)
      : undefined;
    // Its listeners take the audit feature's SuspiciousActivity, which is what it tells.
    this.listeners = signals.suspiciousActivity as unknown as Listeners<[SuspiciousActivity]>;
  }

  /** Hears 401, 403 and 429 answers. */
  onModuleInit(): void {
    if (!this.options || this.unsubscribe) return;
    const codes = this.options.security.codes;
    this.unsubscribe = this.failures.subscribe((failure) => {
      // A job's failure answers no client: it is no sign of one probing.
      if (failure.job !== undefined) return;
      // By the code, not the status: a business 403 (QUOTA_EXCEEDED) is no security event.
      const kind = codes.get(failure.code);
      // An application that recorded a security event for this request (LOGIN_FAILED for a
      // wrong password) has said what the 401 was; it is not also an AUTH_REQUIRED.
      // A message or an event no HTTP request carries (RPC, WebSocket) still gets its request id
      // and what failed (as the event's route).
      const operation = failure.operation;
      const req =
        failure.request ??
        (operation ? { id: failure.requestId, route: { path: operation.name } } : undefined);
      if (kind && !(req && typeof req === 'object' && securityRecorded.has(req))) {
        this.record(kind, { request: req, status: failure.status, errorCode: failure.code });
      }
    });
  }

  /** Connects a shared counter store (waiting at most 2 s; counting falls back otherwise). */
  async onApplicationBootstrap(): Promise<void> {
    await this.counters?.init?.();
  }

  /** After the shutdown drain: requests still served until then are heard. */
  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Adds a listener for suspicious activity; returns a function that removes it. */
  onSuspiciousActivity(listener: SuspiciousActivityListener): () => void {
    return this.listeners.add(listener);
  }

  /** Records one security event. Never throws and never waits. */
  record(kind: SecurityEventKind, details: SecurityEventDetails = {}): AuditEvent | undefined {
    const request = details.request ?? this.audit.currentRequest();
    if (request && typeof request === 'object') securityRecorded.add(request);
    const event = this.audit.record({
      kind: 'security',
      action: kind,
      outcome: FAILED_SECURITY_KINDS.has(kind) ? 'failure' : 'success',
      actorId: details.actorId,
      ip: details.ip,
      data: details.data,
      request,
      status: details.status,
      errorCode: details.errorCode,
    });
    // Bursts of failures are suspicious; eleven successful logins from one office NAT are not.
    if (event?.ip && this.options && event.outcome === 'failure') void this.count(kind, event.ip, event);
    return event;
  }

  private async count(kind: SecurityEventKind, ip: string, event: AuditEvent): Promise<void> {
    if (!this.options || !this.counters) return;
    const { threshold, windowMs, keyPrefix } = this.options.security;
    let count: number;
    try {
      count = await this.counters.increment(`${keyPrefix}${kind}:${ip}`, windowMs);
    } catch (err) {
      // A shared store falls back to the in-process one and does not throw; one that does all the
      // same (given without that fallback) must not fail the caller: the event is just not counted.
      this.channels.security.warn({ err: this.redactor.redactError(err) }, 'security counter store failed');
      return;
    }
    // Once per window, when the count first passes the threshold.
    if (count !== threshold + 1) return;
    this.channels.security.warn({ kind, ip, count, windowMs, threshold }, 'suspicious activity');
    const activity: SuspiciousActivity = { kind, ip, count, windowMs, threshold, event };
    // A failing listener must not stop the others; it is logged (rate-limited).
    this.listeners.emit([activity], (error, listener) =>
      this.faults.report({
        point: 'suspicious-activity-listener',
        error,
        requestId: event.requestId,
        name: listenerName(listener),
      }),
    );
  }
}
