import type { Clock } from '../kernel/clock';
import { type ErrorRateBreach, ErrorRateMonitor, type ErrorRateSettings } from './error-rate.monitor';

/** Keys (jobs, SSE routes) watched at most: more than a program has. */
const MAX_WATCHED_KEYS = 1000;

/**
 * A failure-rate window for each key (a job's runs, an SSE route's streams), made when the key is
 * first counted, at most 1000: a key past them is not watched. `onBreach` hears a key's breach.
 */
export class KeyedRates {
  private readonly monitors = new Map<string, ErrorRateMonitor>();

  constructor(
    private readonly settings: ErrorRateSettings,
    private readonly onBreach: (key: string, breach: ErrorRateBreach) => void,
    private readonly clock: Clock,
  ) {}

  /** Counts one run or stream of `key`, failed or not. */
  count(key: string, failed: boolean): void {
    let monitor = this.monitors.get(key);
    if (!monitor) {
      if (this.monitors.size >= MAX_WATCHED_KEYS) return;
      monitor = new ErrorRateMonitor(this.settings, (b) => this.onBreach(key, b), this.clock);
      monitor.start();
      this.monitors.set(key, monitor);
    }
    monitor.request();
    if (failed) monitor.error();
  }

  /** Stops every window and forgets the keys. */
  stop(): void {
    for (const monitor of this.monitors.values()) monitor.stop();
    this.monitors.clear();
  }
}
