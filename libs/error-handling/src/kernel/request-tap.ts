import { Listeners } from './listeners';
import type { LoggedRequest } from './request-context';

/** Told once when a request's response finishes (or its connection closes first). */
export type RequestFinishListener = (req: LoggedRequest, status: number, durationMs: number) => void;

/**
 * The one place a request's start and end are observed. Faultline's request middleware already watches
 * every response finish for the request line; metrics, the shutdown drain and the error-rate
 * alert listen here instead of adding listeners of their own to each response. Without
 * Faultline's request logging, a small middleware feeds it.
 */
export class RequestTap {
  /** Requests started and not yet finished. */
  inFlight = 0;
  private readonly listeners = new Listeners<Parameters<RequestFinishListener>>();

  /** Adds a listener; returns a function that removes it. Listeners must not throw. */
  onFinish(listener: RequestFinishListener): () => void {
    return this.listeners.add(listener);
  }

  started(): void {
    this.inFlight++;
  }

  finished(req: LoggedRequest, status: number, durationMs: number): void {
    this.inFlight--;
    // Every request: a plain loop, no argument array (GuardedRequestTap catches what they throw).
    const listeners = this.listeners.current;
    for (let i = 0; i < listeners.length; i++) listeners[i](req, status, durationMs);
  }
}
