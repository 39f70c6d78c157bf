import { Listeners } from './listeners';

/** A `fatal` log line, as told to listeners: already redacted. */
export interface FatalLogLine {
  message: string;
  fields: Record<string, unknown>;
}

/**
 * Suspicious activity as the features that act on it see it: the security event kind, the
 * client address, how many events crossed which threshold in which window, and the request of
 * the event that crossed it. The audit feature's `SuspiciousActivity` is one of these.
 */
export interface SuspiciousActivitySignal {
  kind: string;
  ip: string;
  count: number;
  windowMs: number;
  threshold: number;
  event: { actorId?: string; requestId?: string; method?: string; route?: string };
}

/** Something that must be written out before the process exits: resolves when it is, or gives up. */
export type Flush = (timeoutMs: number) => Promise<unknown>;

/**
 * What features announce to each other, so that none of them needs another: logging and the
 * process error hooks tell of `fatal` lines, readiness of its changes, security events of
 * suspicious activity, and alerts listen to all three when they are on; the audit queue, the
 * alert queue and Sentry register what the process error hooks flush before an exit. A feature
 * that is off announces nothing and listens to nothing.
 */
export class Signals {
  /** `fatal` log lines (the alerts feature raises its `fatal`-line alert on them). */
  readonly fatal = new Listeners<[FatalLogLine]>();
  /** Readiness changes: `reason` says why it is not ready (`starting`, `shutting down`, `failing: ...`). */
  readonly readiness = new Listeners<[ready: boolean, reason: string]>();
  /** Suspicious activity crossing its threshold. */
  readonly suspiciousActivity = new Listeners<[SuspiciousActivitySignal]>();
  /** A job run finished (`failed` or not): the alerts feature watches each job's failure rate. */
  readonly jobs = new Listeners<[job: string, failed: boolean]>();
  /**
   * An SSE stream ended: `completed`, `failed` (an error event ended it) or `disconnected` (its
   * client left); the alerts feature watches each route's failure rate.
   */
  readonly streams = new Listeners<[route: string, outcome: 'completed' | 'failed' | 'disconnected']>();
  private readonly flushes = new Listeners<[timeoutMs: number], Promise<unknown>>();

  /** Registers a queue to flush before the process exits; returns a function that removes it. */
  onFlush(flush: Flush): () => void {
    return this.flushes.add(flush);
  }

  /**
   * Flushes every registered queue at once, each given `timeoutMs` (each gives up on its own
   * when the time runs out), and resolves when all have settled. Never rejects.
   */
  async flushAll(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.flushes.current.map(async (flush) => {
        try {
          await flush(timeoutMs);
        } catch {
          // A queue that could not flush is reported by its feature; the others still flush.
        }
      }),
    );
  }
}
