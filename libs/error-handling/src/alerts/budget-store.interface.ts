/** One alert taken from a channel's budget. */
export interface BudgetTake {
  /** True when the alert may go to the channel. */
  admitted: boolean;
  /** True for the first alert the window holds back: its taker owes the window's summary. */
  firstHeldBack: boolean;
  /** Identifies the window (its start, in ms since the epoch). */
  windowId: number;
  /** Time left in the window, in ms. */
  remainingMs: number;
}

/** A fingerprint the budget held back, with how many of its alerts. */
export interface HeldBackCount {
  fingerprint: string;
  /** The title of its first alert held back. */
  title: string;
  /** Alerts held back (an upper bound for a fingerprint that entered a full tally). */
  count: number;
}

/** What one channel's budget held back in one window. */
export interface HeldBackTally {
  /** Alerts held back in all (exact). */
  heldBack: number;
  /** Distinct fingerprints held back; more than this when `overflow`. */
  fingerprints: number;
  /** True when more fingerprints were held back than the tally keeps ({@link TALLY_SIZE}). */
  overflow: boolean;
  /** The fingerprints held back most, most first. */
  top: HeldBackCount[];
}

/** One alert to take from a budget. */
export interface BudgetRequest {
  /** The budget's key (one a channel). */
  key: string;
  windowMs: number;
  /** Alerts the window lets through, this one's kind considered (urgent ones get more). */
  limit: number;
  fingerprint: string;
  title: string;
  /** How many alerts this one stands for when held back: a throttle summary's `heldBack`, else 1. */
  weight: number;
}

/** Most fingerprints a window's tally keeps; past it the least counted makes room (space-saving). */
export const TALLY_SIZE = 100;

/**
 * Counts alerts per channel in windows that open with the first one: lets through `limit`, holds
 * back the rest and tallies them by fingerprint, within {@link TALLY_SIZE} entries.
 */
export interface BudgetStore {
  init?(): Promise<void>;
  take(request: BudgetRequest): Promise<BudgetTake>;
  /** What the window `windowId` of `key` held back (its top `top` fingerprints); undefined when unknown. */
  heldBackOf(key: string, windowId: number, top: number): Promise<HeldBackTally | undefined>;
  close?(): Promise<void>;
}
