import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { type Clock, type ClockTimer, unrefTimer } from '../kernel/clock';
import { AppError } from '../errors/app.error';
import { CLOCK } from '../kernel/tokens';
import { FailureEvents } from '../kernel/failure-events';
import { LogChannels } from '../logging/log-channels.service';
import { type LogLine, logLine } from '../logging/request-line';
import {
  clientIp,
  currentRequestLogger,
  LOGGER_REQUEST,
  type LoggedRequest,
  routeOf,
} from '../kernel/request-context';
import { platformRequest } from '../kernel/http-exchange';
import { Redactor } from '../redaction/redactor';
import type { AuditMetadata, AuditResourceContext } from './audit-metadata';
import { auditEventId } from './event-id';
import { isoTimestamp } from './iso-timestamp';
import { AUDIT_RUNTIME, auditContexts, type AuditRequestContext } from './audit.internal-constants';
import type { AuditEvent, AuditKind, AuditOutcome, AuditPage, AuditQuery } from './audit-event.interface';
import { AuditWriter } from './audit-writer';
import { rememberEventJson } from './audit-rows';
import { auditMetrics, type AuditStats } from './audit-metrics';
import { Signals } from '../kernel/signals';
import { MetricSources } from '../kernel/metric-sources';
import type { ResolvedAudit } from './resolve-audit-options';

/** What a service passes to {@link AuditService.record}; the rest is filled in. */
export interface AuditRecord {
  action: string;
  /** @default 'success' */
  outcome?: AuditOutcome;
  /** @default 'audit' */
  kind?: AuditKind;
  actorId?: string | number;
  resourceType?: string;
  resourceId?: string | number;
  status?: number;
  errorCode?: string;
  ip?: string;
  /** Extra data, redacted before it is kept. */
  data?: Record<string, unknown>;
  /** The request this event belongs to; by default the one being handled, if any. */
  request?: unknown;
}

/** A `resourceId` dot path, split, and whether one of its keys is sensitive. */
interface ResourcePath {
  keys: string[];
  sensitive: boolean;
}

const SIX_HOURS = 6 * 60 * 60 * 1000;
const MAX_USER_AGENT = 512;

/**
 * Records audit events (from `@Audit()`, from services, and security events) and answers
 * queries. Every event goes to the `audit` log channel at once, and to the store (if any)
 * through a batched, bounded queue that retries while the store is down. Nothing is dropped
 * silently: what the queue cannot hold, or cannot write by shutdown, goes to the log channel,
 * counted.
 *
 * @example
 * constructor(private readonly audit: AuditService) {}
 * this.audit.record({ action: 'EXPORT_CREATED', resourceType: 'export', resourceId: id });
 */
@Injectable()
export class AuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly writer: AuditWriter | undefined;
  private purgeTimer: ClockTimer | undefined;
  private readonly detach: (() => void)[] = [];
  /** The `resourceId` paths of the `@Audit()` decorators seen, split (one per decorator). */
  private readonly resourcePaths = new Map<string, ResourcePath>();

  constructor(
    @Inject(AUDIT_RUNTIME) private readonly options: ResolvedAudit | false,
    private readonly redactor: Redactor,
    private readonly channels: LogChannels,
    private readonly failures: FailureEvents,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: MetricSources,
    private readonly signals: Signals,
  ) {
    if (options && options.store) {
      this.writer = new AuditWriter(options.store, (events, reason) => this.spill(events, reason), {
        ...options.writer,
        clock,
        onError: (err: unknown) =>
          this.channels.audit.warn(
            { err: this.redactor.redactError(err) },
            'audit store write failed; will retry',
          ),
      });
    }
  }

  /** Publishes the queue's metrics, registers the queue to flush before an exit, hears failures. */
  private attach(): void {
    this.metrics.add(...auditMetrics(() => this.stats));
    this.detach.push(
      this.signals.onFlush((timeoutMs) => this.flush(timeoutMs)),
      this.failures.subscribe((failure) => {
        const req = failure.request as LoggedRequest;
        // A resolver's context is keyed by its info; a route's by its request.
        const key = failure.operation?.key ?? req;
        const context = key && typeof key === 'object' ? auditContexts.get(key) : undefined;
        if (context) {
          this.recordRequest(req, context, 'failure', { status: failure.status, errorCode: failure.code });
        }
      }),
    );
  }

  /** True when audit is on. */
  get enabled(): boolean {
    return this.options !== false;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options) return;
    if (this.detach.length === 0) this.attach();
    if (!this.options.store) return;
    try {
      await this.options.store.init?.();
    } catch (err) {
      // A store that is down at start-up must not keep the service down: events queue, and the
      // store creates its schema on the next write.
      this.channels.audit.warn(
        { err: this.redactor.redactError(err) },
        'audit store not ready at start-up; events are queued',
      );
    }
    if (this.options.retentionDays > 0 && this.options.store.purge) {
      await this.purge();
      this.schedulePurge();
    }
  }

  /** Drains the queue (on application shutdown), then closes the store. */
  async onApplicationShutdown(): Promise<void> {
    this.clock.clearTimeout(this.purgeTimer);
    this.purgeTimer = undefined;
    for (const detach of this.detach.splice(0)) detach();
    if (!this.options) return;
    await this.writer?.close(this.options.shutdownTimeoutMs);
    await this.options.store?.close?.();
  }

  /** Records an event raised in application code. Never throws and never waits. */
  record(record: AuditRecord): AuditEvent | undefined {
    if (!this.options) return undefined;
    const req = (record.request ?? currentRequestOf()) as LoggedRequest | undefined;
    const event: AuditEvent = {
      ...(req ? this.requestFields(req) : {}),
      id: auditEventId(),
      timestamp: new Date(),
      kind: record.kind ?? 'audit',
      action: record.action,
      outcome: record.outcome ?? 'success',
    };
    if (record.actorId !== undefined) event.actorId = String(record.actorId);
    // Texts that may come from a request pass the Redactor like the rest of the event: the same
    // secret is `[REDACTED]` in the stored row, the audit line and the request line.
    if (record.resourceType !== undefined) {
      event.resourceType = this.redactor.redactString(String(record.resourceType));
    }
    if (record.resourceId !== undefined) {
      event.resourceId = this.redactor.redactString(String(record.resourceId));
    }
    if (record.status !== undefined) event.status = record.status;
    if (record.errorCode !== undefined) event.errorCode = record.errorCode;
    if (record.ip !== undefined) event.ip = record.ip;
    if (record.data !== undefined) event.data = this.redactor.redact(record.data);
    this.keep(event);
    return event;
  }

  /** Records the outcome of an audited request (`@Audit()`); used by the interceptor and the filter. */
  recordRequest(
    req: LoggedRequest & { params?: unknown },
    context: AuditRequestContext,
    outcome: AuditOutcome,
    extra: { status?: number; errorCode?: string; result?: unknown },
  ): void {
    if (!this.options) return;
    // One event per request, whichever of the guard, the interceptor and the filter comes first.
    if (context.recorded) return;
    context.recorded = true;
    try {
      const metadata = context.metadata;
      const event = this.requestFields(req) as AuditEvent;
      const graphql = context.graphql;
      if (graphql) event.route = graphql.field;
      const timestamp = new Date();
      // The id's time part is the event's timestamp.
      event.id = auditEventId(timestamp.getTime());
      event.timestamp = timestamp;
      event.kind = 'audit';
      event.action = metadata.action;
      event.outcome = outcome;
      event.durationMs = Math.round(performance.now() - context.startedAt);
      if (extra.status !== undefined) event.status = extra.status;
      if (extra.errorCode !== undefined) event.errorCode = extra.errorCode;
      if (metadata.resource !== undefined) event.resourceType = metadata.resource;
      if (metadata.resourceId !== undefined || metadata.capture?.length) {
        // A resolver's arguments are what its params and body are to a route.
        const resources: AuditResourceContext = graphql
          ? { params: graphql.args, query: {}, body: graphql.args, args: graphql.args, result: extra.result }
          : {
              params: (req.params ?? {}) as Record<string, unknown>,
              // Express parses `req.query` on every read: only when something may read it.
              query: readsQuery(metadata) ? ((req.query ?? {}) as Record<string, unknown>) : {},
              body: req.body,
              result: extra.result,
            };
        const resourceId = this.resourceIdOf(metadata, resources);
        if (resourceId !== undefined) event.resourceId = resourceId;
        const data = this.captured(metadata, resources, outcome);
        if (data) event.data = data;
      }
      this.keep(event);
    } catch (err) {
      this.channels.audit.error(
        { err: this.redactor.redactError(err), action: context.metadata.action },
        'audit record failed',
      );
    }
  }

  /** The request being handled, when Faultline's logging tracks it. */
  currentRequest(): unknown {
    return currentRequestOf();
  }

  /** Newest first; see {@link AuditQuery}. */
  async query(query: AuditQuery = {}): Promise<AuditPage> {
    if (!this.options || !this.options.store) {
      // 501 with a message an operator can act on, not an anonymous 500.
      throw new AppError('The audit trail is not stored on this service', 'NOT_IMPLEMENTED', {
        status: 501,
        expose: true,
        cause: new Error(
          'Audit queries need a store: configure audit.sql or audit.store in ErrorHandlingModule',
        ),
      });
    }
    return this.options.store.query(query);
  }

  /**
   * Waits until every event recorded so far is in the store, or `timeoutMs` passes; true when
   * everything was written (also when there is no store).
   */
  async flush(timeoutMs = 5000): Promise<boolean> {
    return this.writer ? this.writer.flush(timeoutMs) : true;
  }

  /** Counters of the queue. */
  get stats(): AuditStats {
    return (
      this.writer?.stats ?? {
        queued: 0,
        written: 0,
        writeFailures: 0,
        spilledOverflow: 0,
        spilledShutdown: 0,
      }
    );
  }

  private keep(event: AuditEvent): void {
    const json = this.channels.writeEvent(
      event.kind,
      event.outcome === 'failure' ? 'warn' : 'info',
      eventLine(event),
      `${event.kind} event`,
    );
    if (!this.writer) return;
    // The store writes the event as it was when recorded, whatever the logging options: its
    // line's text when that is the event's fields alone, else the event serialised now (a line
    // may carry the current request's fields as context, which are not the event's).
    rememberEventJson(event, json ?? eventJsonOf(event));
    this.writer.enqueue(event);
  }

  private spill(events: AuditEvent[], reason: 'overflow' | 'shutdown'): void {
    for (const event of events) {
      const channel = event.kind === 'security' ? this.channels.security : this.channels.audit;
      channel.warn(
        { ...event, timestamp: isoTimestamp(event.timestamp), unstored: reason },
        reason === 'overflow'
          ? 'audit queue full: event kept in the log only'
          : 'audit store unreachable at shutdown: event kept in the log only',
      );
    }
  }

  private schedulePurge(): void {
    this.purgeTimer = unrefTimer(
      this.clock,
      () => void this.purge().finally(() => this.purgeTimer && this.schedulePurge()),
      SIX_HOURS,
    );
  }

  private async purge(): Promise<void> {
    if (!this.options || !this.options.store?.purge) return;
    const before = new Date(this.clock.now() - this.options.retentionDays * 24 * 60 * 60 * 1000);
    try {
      const removed = await this.options.store.purge(before);
      if (removed > 0)
        this.channels.audit.info({ removed, before: before.toISOString() }, 'audit retention purge');
    } catch (err) {
      this.channels.audit.warn({ err: this.redactor.redactError(err) }, 'audit retention purge failed');
    }
  }

  /**
   * The resource id of an audited request, redacted: a value under a sensitive key of its path
   * (`params.token`, `body.apiKey`) is censored whatever it looks like (in HMAC mode, as its keyed
   * hash, so equal ids stay correlatable); any other passes the value detectors, as the request
   * line's URL does.
   */
  private resourceIdOf(metadata: AuditMetadata, resources: AuditResourceContext): string | undefined {
    const source = metadata.resourceId;
    if (source === undefined) return undefined;
    let value: unknown;
    let sensitive = false;
    try {
      if (typeof source === 'function') value = source(resources);
      else {
        const path = this.resourcePath(source);
        sensitive = path.sensitive;
        value = resources;
        for (const key of path.keys) {
          if (value === null || value === undefined) break;
          value = (value as Record<string, unknown>)[key];
        }
      }
    } catch {
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    return sensitive ? this.redactor.censorValue(value) : this.redactor.redactString(String(value));
  }

  /** A `resourceId` dot path split, and whether a key of it is sensitive: once per path. */
  private resourcePath(source: string): ResourcePath {
    let path = this.resourcePaths.get(source);
    if (path === undefined) {
      const keys = source.split('.');
      path = { keys, sensitive: keys.some((k) => this.redactor.isSensitiveKey(k)) };
      this.resourcePaths.set(source, path);
    }
    return path;
  }

  private requestFields(req: LoggedRequest): Partial<AuditEvent> {
    const out: Partial<AuditEvent> = {};
    if (req.id !== undefined) out.requestId = String(req.id);
    const ip = clientIp(req);
    if (ip !== undefined) out.ip = ip;
    if (req.method !== undefined) out.method = req.method;
    const route = routeOf(req);
    if (route !== undefined) out.route = route;
    const agent = req.headers?.['user-agent'];
    if (typeof agent === 'string') {
      // Redacted whole, then cut: a cut first could leave the start of a token no detector knows.
      const redacted = this.redactor.redactString(agent);
      out.userAgent = redacted.length > MAX_USER_AGENT ? redacted.slice(0, MAX_USER_AGENT) : redacted;
    }
    try {
      const actor = this.options ? this.options.actor(req) : undefined;
      if (actor !== undefined) out.actorId = String(actor);
    } catch {
      // An actor function that fails leaves the actor unknown.
    }
    return out;
  }

  private captured(
    metadata: AuditMetadata,
    resources: AuditResourceContext,
    outcome: AuditOutcome,
  ): Record<string, unknown> | undefined {
    if (!metadata.capture?.length) return undefined;
    const data: Record<string, unknown> = {};
    for (const part of metadata.capture) {
      if (part === 'result' && outcome === 'failure') continue;
      data[part] = this.redactor.redact(resources[part]);
    }
    return data;
  }
}

/** The request being handled, as the application sees it (on Fastify, Fastify's request). */
function currentRequestOf(): unknown {
  const logger = currentRequestLogger() as unknown as Record<symbol, unknown> | undefined;
  const req = logger?.[LOGGER_REQUEST];
  return typeof req === 'object' && req !== null ? platformRequest(req) : undefined;
}

/** True when recording the event may read the request's query string. */
function readsQuery(metadata: AuditMetadata): boolean {
  const id = metadata.resourceId;
  return (
    typeof id === 'function' ||
    (typeof id === 'string' && (id === 'query' || id.startsWith('query.'))) ||
    metadata.capture?.includes('query') === true
  );
}

/**
 * The event's log line: the event, redacted already (captured data, user agent), written as it
 * is, with its Date as ISO text (pino would stringify the Date object). A literal of one shape
 * (absent fields are undefined, which pino leaves out): a spread copy costs an event more.
 */
function eventLine(event: AuditEvent): LogLine {
  return logLine({
    requestId: event.requestId,
    ip: event.ip,
    method: event.method,
    route: event.route,
    userAgent: event.userAgent,
    actorId: event.actorId,
    id: event.id,
    timestamp: isoTimestamp(event.timestamp),
    kind: event.kind,
    action: event.action,
    outcome: event.outcome,
    durationMs: event.durationMs,
    status: event.status,
    errorCode: event.errorCode,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    data: event.data,
  });
}

/**
 * The event's fields as JSON, keyed as its line's are; undefined when they cannot be serialised
 * (a bigint, a cycle in its data), and its row is then built when its batch is written.
 */
function eventJsonOf(event: AuditEvent): string | undefined {
  try {
    return JSON.stringify(eventLine(event));
  } catch {
    return undefined;
  }
}

/**
 * The application's AuditService, looked up once when first asked for, or undefined when audit is
 * off (its module not loaded). `@Audit()` puts its guard and interceptor on controllers of any
 * module: looked up across the application, they find the service with `isGlobal: false` too.
 */
export function auditServiceOf(moduleRef: ModuleRef): () => AuditService | undefined {
  let found: AuditService | null | undefined;
  return () => {
    if (found === undefined) {
      try {
        found = moduleRef.get(AuditService, { strict: false });
      } catch {
        found = null;
      }
    }
    return found ?? undefined;
  };
}
