import { type Clock, type ClockTimer, systemClock, unrefTimer } from '../kernel/clock';

/** Error-rate settings after defaults. */
export interface ErrorRateSettings {
  /** A fraction: 0.01 is 1 %. */
  threshold: number;
  windowSeconds: number;
  minRequests: number;
}

/** What the monitor saw when the rate went over the threshold. */
export interface ErrorRateBreach {
  errors: number;
  requests: number;
  rate: number;
  threshold: number;
  windowSeconds: number;
}

const BUCKETS = 10;

/**
 * Counts requests and server errors in a sliding window of ten buckets. Counting a request is
 * one increment: the buckets turn on a timer, not on the request path. When a bucket turns and
 * the window holds at least `minRequests` requests with an error rate over `threshold`, the
 * breach is reported (throttling decides how often it becomes an alert).
 */
export class ErrorRateMonitor {
  /** Requests and errors in the current bucket. */
  private requests = 0;
  private errors = 0;
  private readonly pastRequests = new Array<number>(BUCKETS - 1).fill(0);
  private readonly pastErrors = new Array<number>(BUCKETS - 1).fill(0);
  private next = 0;
  private timer: ClockTimer | undefined;
  private readonly bucketMs: number;

  constructor(
    private readonly settings: ErrorRateSettings,
    private readonly onBreach: (breach: ErrorRateBreach) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.bucketMs = (settings.windowSeconds * 1000) / BUCKETS;
  }

  /** Counts one request. */
  request(): void {
    this.requests++;
  }

  /** Counts one server error. */
  error(): void {
    this.errors++;
  }

  /** Turns a bucket every tenth of the window, from now on. */
  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.timer = unrefTimer(this.clock, tick, this.bucketMs);
      this.turn();
    };
    this.timer = unrefTimer(this.clock, tick, this.bucketMs);
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Closes the current bucket and checks the window. */
  turn(): void {
    const requests = this.requests + sum(this.pastRequests);
    const errors = this.errors + sum(this.pastErrors);
    this.pastRequests[this.next] = this.requests;
    this.pastErrors[this.next] = this.errors;
    this.next = (this.next + 1) % this.pastRequests.length;
    this.requests = 0;
    this.errors = 0;
    const { threshold, minRequests, windowSeconds } = this.settings;
    if (requests >= minRequests && requests > 0 && errors / requests > threshold) {
      this.onBreach({ errors, requests, rate: errors / requests, threshold, windowSeconds });
    }
  }
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
