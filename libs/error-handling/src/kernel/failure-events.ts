import { Inject, Injectable } from '@nestjs/common';
import { EXTENSION_FAULTS } from './tokens';
import { type ExtensionFaultReporter, IGNORE_EXTENSION_FAULTS, listenerName } from './extension-point';
import { Listeners } from './listeners';

/** A failure the exception filter answered, as told to subscribers (audit, security events, …). */
export interface HandledFailure {
  exception: unknown;
  /** The platform request (Express `Request`). */
  request: unknown;
  status: number;
  code: string;
  /** False for unexpected failures (5xx not listed in `expectedErrors`). */
  expected: boolean;
  requestId: string;
  /** With `DEPENDENCY_UNAVAILABLE`: the dependency that could not be reached (`postgres`, ...). */
  dependency?: string;
  /** For a failed job run (`Jobs.run`), the job's name; `request` is then undefined. */
  job?: string;
  /**
   * For a failure outside a plain HTTP route (a GraphQL resolver, an RPC or WebSocket message
   * handler, an SSE stream): where it happened. `request` is the HTTP request it rode on, if any.
   */
  operation?: FailedOperation;
  /**
   * The id of the event an error tracker (Sentry) recorded for this failure: set by the
   * tracker's subscriber, which is told first, for the log line and the alert; removed again
   * when the tracker learns that it dropped the event (see {@link TrackedEvent}).
   */
  eventId?: string;
  /** What became of the tracker's event for this failure, updated as the tracker learns it. */
  tracked?: TrackedEvent;
}

/**
 * What became of a failure's error-tracker (Sentry) event. The tracker updates it as its own
 * pipeline goes on, so a log line written later (a request's, when the response closes) says
 * what is known then.
 */
export interface TrackedEvent {
  /**
   * - `'sent'`: handed to the transport; `eventId` finds it in Sentry.
   * - `'pending'`: still in the SDK's pipeline (an asynchronous step), dropped by nothing so far.
   * - `'dropped'`: the SDK dropped it (its Dedupe integration, an event processor, an event
   *   captured already); no id is reported.
   * - `'sampled-out'`: not captured at all, by Faultline's sampling (`sentry.sample`,
   *   `sentry.sampleRate`).
   */
  status: 'pending' | 'sent' | 'dropped' | 'sampled-out';
  /** The event's id while it is pending or once sent. */
  eventId?: string;
}

/** Where a failure outside a plain HTTP route happened. */
export interface FailedOperation {
  /** The transport it came through. */
  transport: 'graphql' | 'rpc' | 'ws' | 'sse';
  /**
   * What failed, named by the schema or the code, never by the client: a GraphQL field
   * (`Query.notification`), a message pattern, a gateway event, an SSE route template.
   */
  name: string;
  /** The one invocation that failed (GraphQL's resolve info): what `@Audit()` keys its event by. */
  key?: object;
}

/** Something that wants to hear about each failure once. It must not throw, and must not block. */
export type FailureSubscriber = (failure: HandledFailure) => void;

/**
 * The exception filter publishes each failure here once; features subscribe without depending
 * on the filter. A subscriber that throws does not stop the others and does not change the
 * answer: the throw is logged (at `error`, with the requestId, rate-limited per subscriber) and
 * the next subscriber is told.
 */
@Injectable()
export class FailureEvents {
  private readonly subscribers = new Listeners<[HandledFailure]>();

  constructor(
    @Inject(EXTENSION_FAULTS)
    private readonly faults: ExtensionFaultReporter = IGNORE_EXTENSION_FAULTS,
  ) {}

  /**
   * Adds a subscriber; returns a function that removes it. `first` puts it before the others
   * (an error tracker, whose event id the others report).
   */
  subscribe(subscriber: FailureSubscriber, options: { first?: boolean } = {}): () => void {
    return this.subscribers.add(subscriber, options);
  }

  /** Tells every subscriber. */
  publish(failure: HandledFailure): void {
    // A failing subscriber must not turn a handled failure into another one.
    this.subscribers.emit([failure], (error, subscriber) =>
      this.faults.report({
        point: 'failure-subscriber',
        error,
        requestId: failure.requestId,
        name: listenerName(subscriber),
      }),
    );
  }
}
