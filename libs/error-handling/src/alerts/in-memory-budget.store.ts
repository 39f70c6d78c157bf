import { type Clock, systemClock } from '../kernel/clock';
import {
  type BudgetRequest,
  type BudgetStore,
  type BudgetTake,
  type HeldBackCount,
  type HeldBackTally,
  TALLY_SIZE,
} from './budget-store.interface';

/** One window of one budget. */
interface BudgetWindow {
  start: number;
  sent: number;
  heldBack: number;
  overflow: boolean;
  tally: Map<string, HeldBackCount>;
}

/**
 * Alert budgets in this process: one window (and the previous one, for its summary) per channel,
 * each tally at most {@link TALLY_SIZE} fingerprints. The budget of an instance without Redis.
 */
export class InMemoryBudgetStore implements BudgetStore {
  private readonly windows = new Map<string, { current: BudgetWindow; previous?: BudgetWindow }>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly tallySize = TALLY_SIZE,
  ) {}

  async take(r: BudgetRequest): Promise<BudgetTake> {
    const now = this.clock.now();
    let entry = this.windows.get(r.key);
    if (!entry || now >= entry.current.start + r.windowMs) {
      entry = { current: emptyWindow(now), previous: entry?.current };
      this.windows.set(r.key, entry);
    }
    const w = entry.current;
    const taken = { windowId: w.start, remainingMs: w.start + r.windowMs - now };
    if (w.sent < r.limit) {
      w.sent++;
      return { admitted: true, firstHeldBack: false, ...taken };
    }
    const firstHeldBack = w.heldBack === 0;
    w.heldBack += r.weight;
    this.tallyOne(w, r);
    return { admitted: false, firstHeldBack, ...taken };
  }

  async heldBackOf(key: string, windowId: number, top: number): Promise<HeldBackTally | undefined> {
    const entry = this.windows.get(key);
    const w = [entry?.current, entry?.previous].find((x) => x?.start === windowId);
    if (!w) return undefined;
    return {
      heldBack: w.heldBack,
      fingerprints: w.tally.size,
      overflow: w.overflow,
      top: [...w.tally.values()]
        .sort((a, b) => b.count - a.count)
        .slice(0, top)
        .map((c) => ({ ...c })),
    };
  }

  /** Space-saving: a new fingerprint in a full tally takes the least counted one's place and count. */
  private tallyOne(w: BudgetWindow, r: BudgetRequest): void {
    const known = w.tally.get(r.fingerprint);
    if (known) {
      known.count += r.weight;
      return;
    }
    let base = 0;
    if (w.tally.size >= this.tallySize) {
      let least: HeldBackCount | undefined;
      for (const c of w.tally.values()) if (!least || c.count < least.count) least = c;
      if (least) {
        w.tally.delete(least.fingerprint);
        base = least.count;
      }
      w.overflow = true;
    }
    w.tally.set(r.fingerprint, { fingerprint: r.fingerprint, title: r.title, count: base + r.weight });
  }
}

function emptyWindow(start: number): BudgetWindow {
  return { start, sent: 0, heldBack: 0, overflow: false, tally: new Map() };
}
