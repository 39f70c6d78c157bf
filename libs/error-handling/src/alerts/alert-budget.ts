import { type Clock, systemClock } from '../kernel/clock';
import type { BudgetStore, HeldBackTally } from './budget-store.interface';
import { untold, WindowSummaries } from './window-summaries';

/** One channel's budget, resolved. */
export interface BudgetSettings {
  max: number;
  windowSeconds: number;
  urgentReserve: number;
}

/** What a channel's budget held back, to be summarised to that channel. */
export interface BudgetSummary {
  channel: string;
  windowSeconds: number;
  /** Held back since the window's last summary (all of it, for the first). */
  heldBack: number;
  /** The window's tally so far: its top fingerprints, their number. */
  tally: HeldBackTally;
}

/** Fingerprints a budget summary names. */
export const SUMMARY_TOP = 5;

interface OpenBudgetWindow {
  channel: string;
  key: string;
  windowId: number;
  windowSeconds: number;
  told: number;
}

/**
 * At most `max` alerts per channel per window, across fingerprints (urgent ones: `max` +
 * `urgentReserve`); the instance that holds back the first alert of a channel's window sends that
 * channel one summary when the window ends, from the store's tally: with Redis, one for every
 * instance. Applied after the per-fingerprint throttle.
 */
export class AlertBudget {
  private readonly windows: WindowSummaries<OpenBudgetWindow>;

  constructor(
    private readonly store: BudgetStore,
    private readonly budgets: ReadonlyMap<string, BudgetSettings>,
    private readonly summarise: (summary: BudgetSummary) => void,
    clock: Clock = systemClock,
  ) {
    this.windows = new WindowSummaries(clock, (w) => this.tell(w));
  }

  /**
   * The channels of `channels` an alert may go to now. A channel without a budget always takes
   * it; one whose store failed too (it never should: it falls back) takes it as well.
   * `weight` is how many alerts it stands for when held back (a throttle summary's count).
   */
  async admit(
    channels: readonly string[],
    fingerprint: string,
    title: string,
    urgent: boolean,
    weight = 1,
  ): Promise<string[]> {
    const admitted = await Promise.all(
      channels.map(async (channel) => {
        const budget = this.budgets.get(channel);
        if (!budget) return true;
        const key = `budget:${channel}`;
        try {
          const take = await this.store.take({
            key,
            windowMs: budget.windowSeconds * 1000,
            limit: urgent ? budget.max + budget.urgentReserve : budget.max,
            fingerprint: fingerprint.slice(0, 500),
            title: title.slice(0, 300),
            weight,
          });
          if (take.firstHeldBack) {
            this.windows.watch(
              `${channel}\u0000${take.windowId}`,
              { channel, key, windowId: take.windowId, windowSeconds: budget.windowSeconds, told: 0 },
              take.remainingMs,
            );
          }
          return take.admitted;
        } catch {
          return true;
        }
      }),
    );
    return channels.filter((_, i) => admitted[i]);
  }

  /** Sends now the summary of every window that held alerts back; the windows stay open. */
  flush(): Promise<void> {
    return this.windows.flush();
  }

  /** Stops the summary timers without sending. */
  cancel(): void {
    this.windows.cancel();
  }

  private async tell(w: OpenBudgetWindow): Promise<void> {
    let tally: HeldBackTally | undefined;
    try {
      tally = await this.store.heldBackOf(w.key, w.windowId, SUMMARY_TOP);
    } catch {
      tally = undefined;
    }
    const heldBack = untold(tally?.heldBack, w.told);
    if (heldBack <= 0) return;
    // A store that lost the window has no tally of it: the summary says what is known.
    const known = tally ?? { heldBack, fingerprints: 0, overflow: false, top: [] };
    this.summarise({ channel: w.channel, windowSeconds: w.windowSeconds, heldBack, tally: known });
    w.told += heldBack;
  }
}
