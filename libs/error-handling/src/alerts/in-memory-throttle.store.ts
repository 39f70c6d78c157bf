import { type Clock, systemClock } from '../kernel/clock';
import type { ThrottleHit, ThrottleStore } from './throttle-store.interface';

interface Entry {
  start: number;
  count: number;
  previousStart: number;
  previousCount: number;
}

/**
 * Throttle windows in this process, bounded: when it holds `maxKeys` fingerprints the oldest go
 * first. The default store.
 */
export class InMemoryThrottleStore implements ThrottleStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxKeys = 10_000,
    private readonly clock: Clock = systemClock,
  ) {}

  async hit(key: string, windowMs: number): Promise<ThrottleHit> {
    const now = this.clock.now();
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.maxKeys) this.evictOldest();
      entry = { start: now, count: 0, previousStart: -1, previousCount: 0 };
      this.entries.set(key, entry);
    } else if (now >= entry.start + windowMs) {
      entry.previousStart = entry.start;
      entry.previousCount = entry.count;
      entry.start = now;
      entry.count = 0;
    }
    entry.count++;
    return { count: entry.count, windowId: entry.start, remainingMs: entry.start + windowMs - now };
  }

  async countOf(key: string, windowId: number): Promise<number | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.start === windowId) return entry.count;
    return entry.previousStart === windowId ? entry.previousCount : undefined;
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
