/** What Faultline learns of an event it captured: handed to the transport (true) or dropped. */
export type FateListener = (sent: boolean) => void;

/** Events waiting for their fate past this many: the oldest is forgotten (its id stays reported). */
const MAX_WAITING = 1000;

/**
 * The events Faultline captured and has not yet seen leave the SDK's pipeline. Sentry's
 * `captureException` returns an id whatever becomes of the event; the client's `beforeSendEvent`
 * hook (the event is handed to the transport) and the drop observers set on the integrations'
 * event processors (Dedupe returning null) tell each event's fate here.
 */
export class EventFates {
  private readonly waiting = new Map<string, FateListener>();

  /** Waits for the fate of event `eventId`. */
  expect(eventId: string, listener: FateListener): void {
    if (this.waiting.size >= MAX_WAITING) {
      const oldest = this.waiting.keys().next().value;
      if (oldest !== undefined) this.waiting.delete(oldest);
    }
    this.waiting.set(eventId, listener);
  }

  /** True for an event Faultline captured and still waits for. */
  has(eventId: unknown): boolean {
    return typeof eventId === 'string' && this.waiting.has(eventId);
  }

  /** Tells the event's listener, once; an event Faultline did not capture is ignored. */
  settle(eventId: unknown, sent: boolean): void {
    if (typeof eventId !== 'string') return;
    const listener = this.waiting.get(eventId);
    if (!listener) return;
    this.waiting.delete(eventId);
    listener(sent);
  }

  /** Events waiting. */
  get size(): number {
    return this.waiting.size;
  }
}

/** The process's one: Sentry's client is process-global too. */
export const eventFates = new EventFates();

interface ObservedIntegration {
  processEvent?: (event: { event_id?: string }, hint: { event_id?: string }, client: unknown) => unknown;
}

/**
 * Makes an integration's event processor report the events it drops (returns null for), such as
 * Dedupe's repeat of the event before it.
 */
export function observeDrops<T>(integration: T): T {
  const observed = integration as T & ObservedIntegration;
  const processEvent = observed?.processEvent;
  if (typeof processEvent !== 'function') return integration;
  observed.processEvent = (event, hint, client) => {
    const out = processEvent.call(observed, event, hint, client);
    const id = event?.event_id ?? hint?.event_id;
    if (out === null) eventFates.settle(id, false);
    else if (isThenable(out)) {
      // A branch of its own: the SDK's chain still handles a rejection.
      out.then(
        (result) => result === null && eventFates.settle(id, false),
        () => eventFates.settle(id, false),
      );
    }
    return out;
  };
  return integration;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

interface HookedClient {
  on?(hook: 'beforeSendEvent', callback: (event: { event_id?: string }) => void): unknown;
}

const watched = new WeakSet<object>();

/** Hears, once per client, each event handed to the transport. */
export function watchSentEvents(client: unknown): void {
  const c = client as HookedClient | undefined;
  if (!c || typeof c.on !== 'function' || watched.has(c)) return;
  watched.add(c);
  c.on('beforeSendEvent', (event) => eventFates.settle(event?.event_id, true));
}
