import { type Clock, type ClockTimer, unrefTimer } from '../kernel/clock';
import type { ResolvedSentrySample } from './resolve-sentry-options';

/** How many events of one fingerprint a window left out. */
export interface SampledOut {
  /** The fingerprint, or {@link OTHER_FINGERPRINTS} for those past `maxFingerprints`. */
  fingerprint: string;
  /** Events left out in the window. */
  count: number;
  /** The window's length, in seconds. */
  windowSeconds: number;
}

/** What the fingerprints past `sentry.sample.maxFingerprints` share in a window. */
export const OTHER_FINGERPRINTS = '(other fingerprints)';

interface Tally {
  sent: number;
  left: number;
}

/**
 * Decides, before any event is built, whether a failure's event is sent: the first
 * `perFingerprint` of a fingerprint in a window are, the rest are counted. A window starts with
 * the first failure after a quiet one and lasts `windowSeconds`; when it ends, `onWindowEnd` hears
 * the counts of the fingerprints that had events left out, and the tallies are forgotten. At most
 * `maxFingerprints` are tracked in a window: the fingerprints past them share one tally.
 */
export class FingerprintSampler {
  private tallies = new Map<string, Tally>();
  private timer: ClockTimer | undefined;

  constructor(
    private readonly settings: ResolvedSentrySample,
    private readonly clock: Clock,
    private readonly onWindowEnd: (sampledOut: SampledOut[]) => void,
  ) {}

  /** True when the failure's event is to be sent; false when it is counted instead. */
  admit(fingerprint: string): boolean {
    if (!this.timer) {
      this.timer = unrefTimer(this.clock, () => this.endWindow(), this.settings.windowSeconds * 1000);
    }
    let tally = this.tallies.get(fingerprint);
    if (!tally) {
      // A fingerprint past the cap is not remembered: it counts in the shared tally.
      const key = this.tallies.size < this.settings.maxFingerprints ? fingerprint : OTHER_FINGERPRINTS;
      tally = this.tallies.get(key);
      if (!tally) {
        tally = { sent: 0, left: 0 };
        this.tallies.set(key, tally);
      }
    }
    if (tally.sent < this.settings.perFingerprint) {
      tally.sent++;
      return true;
    }
    tally.left++;
    return false;
  }

  /** Fingerprints tracked in the current window (the shared tally included). */
  get tracked(): number {
    return this.tallies.size;
  }

  /** Ends the window now (at shutdown): its counts go to `onWindowEnd`. */
  endWindow(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const tallies = this.tallies;
    this.tallies = new Map();
    const sampledOut: SampledOut[] = [];
    for (const [fingerprint, tally] of tallies) {
      if (tally.left > 0)
        sampledOut.push({ fingerprint, count: tally.left, windowSeconds: this.settings.windowSeconds });
    }
    if (sampledOut.length > 0) this.onWindowEnd(sampledOut);
  }
}
