import type { TrackedEvent } from './failure-events';

/** What a log line says of a failure's Sentry event. */
export interface TrackerFields {
  /** The id of an event handed to the transport (or still on its way, dropped by nothing so far). */
  sentryEventId?: string;
  /** Why no id is given: Faultline's sampling left the event out, or the SDK dropped it. */
  sentry?: 'sampled-out' | 'dropped';
}

/**
 * The Sentry fields of a failure's log line, as known when the line is written: an event id only
 * for an event Sentry did not drop.
 */
export function trackerFields(f: { eventId?: string; tracked?: TrackedEvent }): TrackerFields {
  const tracked = f.tracked;
  if (!tracked) return f.eventId === undefined ? {} : { sentryEventId: f.eventId };
  if (tracked.status === 'sampled-out' || tracked.status === 'dropped') return { sentry: tracked.status };
  return tracked.eventId === undefined ? {} : { sentryEventId: tracked.eventId };
}

/** The same fields for a plain-text line (Nest's logger): ` sentryEventId=…` or ` sentry=…`. */
export function trackerText(f: { eventId?: string; tracked?: TrackedEvent }): string {
  const fields = trackerFields(f);
  if (fields.sentryEventId !== undefined) return ` sentryEventId=${fields.sentryEventId}`;
  return fields.sentry !== undefined ? ` sentry=${fields.sentry}` : '';
}

/** Copies the fields onto a structured line. */
export function addTrackerFields(
  line: Record<string, unknown>,
  f: { eventId?: string; tracked?: TrackedEvent },
): void {
  const fields = trackerFields(f);
  if (fields.sentryEventId !== undefined) line.sentryEventId = fields.sentryEventId;
  if (fields.sentry !== undefined) line.sentry = fields.sentry;
}
