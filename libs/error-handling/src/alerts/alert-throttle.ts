import type { ThrottleStore } from './throttle-store.interface';

/** A window that held alerts back, to be summarised when it ends. */
export interface HeldBackWindow {
  fingerprint: string;
  /** The title of the alert that opened the window. */
  title: string;
  heldBack: number;
  windowSeconds: number;
}

interface PendingSummary {
  timer: NodeJS.Timeout;
  run: () => Promise<void>;
}

/**
 * At most `repeatLimit` alerts per fingerprint per window of `snoozeSeconds`. The instance that
 * holds back the first alert of a window sends one summary when the window ends, with the
 * window's final count from the store: with a shared store, one summary for every instance.
 */
export class AlertThrottle {
  private readonly pending = new Map<string, PendingSummary>();
  private readonly windowMs: number;

  constructor(
    private readonly store: ThrottleStore,
    private readonly repeatLimit: number,
    snoozeSeconds: number,
    private readonly summarise: (window: HeldBackWindow) => void,
  ) {
    this.windowMs = snoozeSeconds * 1000;
  }

  /** True when an alert with `fingerprint` may be sent now. */
  async allow(fingerprint: string, title: string): Promise<boolean> {
    const hit = await this.store.hit(fingerprint, this.windowMs);
    if (hit.count <= this.repeatLimit) return true;
    if (hit.count === this.repeatLimit + 1) this.schedule(fingerprint, title, hit.windowId, hit.remainingMs);
    return false;
  }

  /** Sends the summaries of windows still open now (at shutdown); resolves when they are queued. */
  async flush(): Promise<void> {
    const runs = [...this.pending.values()];
    this.pending.clear();
    for (const p of runs) clearTimeout(p.timer);
    await Promise.all(runs.map((p) => p.run()));
  }

  /** Stops the summary timers without sending. */
  cancel(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private schedule(fingerprint: string, title: string, windowId: number, remainingMs: number): void {
    const key = `${fingerprint}\u0000${windowId}`;
    if (this.pending.has(key)) return;
    const run = async (): Promise<void> => {
      this.pending.delete(key);
      let count: number | undefined;
      try {
        count = await this.store.countOf(fingerprint, windowId);
      } catch {
        count = undefined;
      }
      // The store lost the window (restarted, fell back): at least one was held back.
      const heldBack = Math.max(1, (count ?? this.repeatLimit + 1) - this.repeatLimit);
      this.summarise({ fingerprint, title, heldBack, windowSeconds: this.windowMs / 1000 });
    };
    // A little after the end, so the count is final on every instance's clock.
    const timer = setTimeout(() => void run(), Math.max(0, remainingMs) + 50);
    timer.unref();
    this.pending.set(key, { timer, run });
  }
}
