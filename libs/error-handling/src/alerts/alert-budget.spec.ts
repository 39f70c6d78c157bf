import { ManualClock } from '../kernel/manual-clock.testing';
import { AlertBudget, type BudgetSettings, type BudgetSummary } from './alert-budget';
import type { BudgetStore } from './budget-store.interface';
import { InMemoryBudgetStore } from './in-memory-budget.store';

function setup(budgets: Record<string, BudgetSettings>) {
  const clock = new ManualClock();
  const summaries: BudgetSummary[] = [];
  const budget = new AlertBudget(
    new InMemoryBudgetStore(clock),
    new Map(Object.entries(budgets)),
    (s) => summaries.push(s),
    clock,
  );
  return { clock, summaries, budget };
}

const TEN = { max: 10, windowSeconds: 600, urgentReserve: 2 };

describe('AlertBudget', () => {
  it('lets max alerts through per channel across fingerprints, then one summary per channel when the window ends', async () => {
    const { clock, summaries, budget } = setup({ slack: TEN, email: { ...TEN, max: 3 } });
    const admitted: string[][] = [];
    for (let i = 0; i < 200; i++) {
      admitted.push(
        await budget.admit(['slack', 'email', 'webhook'], `GET /x Error${i % 50}`, `title ${i % 50}`, false),
      );
    }
    expect(admitted.filter((a) => a.includes('slack'))).toHaveLength(10);
    expect(admitted.filter((a) => a.includes('email'))).toHaveLength(3);
    // A channel without a budget takes every alert.
    expect(admitted.filter((a) => a.includes('webhook'))).toHaveLength(200);
    await clock.advance(599_000);
    expect(summaries).toEqual([]);
    await clock.advance(1_050);
    expect(summaries.map((s) => [s.channel, s.heldBack]).sort()).toEqual([
      ['email', 197],
      ['slack', 190],
    ]);
    const slack = summaries.find((s) => s.channel === 'slack')!.tally;
    expect(slack).toMatchObject({ heldBack: 190, fingerprints: 50, overflow: false });
    // Fingerprints 10-49 were held back 4 times each, 0-9 three times: most first.
    expect(slack.top).toHaveLength(5);
    expect(slack.top[0]).toMatchObject({ count: 4, title: expect.stringMatching(/^title /) });
    expect(clock.pending).toBe(0);
  });

  it('keeps a reserve past max for urgent alerts, so a storm cannot starve them', async () => {
    const { budget } = setup({ slack: TEN });
    for (let i = 0; i < 30; i++) await budget.admit(['slack'], `GET /x Error${i}`, 't', false);
    expect(await budget.admit(['slack'], 'GET /x Error0', 't', false)).toEqual([]);
    expect(await budget.admit(['slack'], 'fatal-log Fatal: disk', 'Fatal: disk', true)).toEqual(['slack']);
    expect(await budget.admit(['slack'], 'error-rate', 'Error rate', true)).toEqual(['slack']);
    // The reserve is bounded too.
    expect(await budget.admit(['slack'], 'fatal-log Fatal: other', 'Fatal: other', true)).toEqual([]);
  });

  it('counts a held-back throttle summary as the alerts it stands for', async () => {
    const { clock, summaries, budget } = setup({ slack: { ...TEN, max: 1 } });
    await budget.admit(['slack'], 'a', 'a', false);
    await budget.admit(['slack'], 'b', 'b', false, 997);
    await clock.advance(600_050);
    expect(summaries[0]).toMatchObject({ heldBack: 997, tally: { top: [{ fingerprint: 'b', count: 997 }] } });
  });

  it('tells what was held back on flush, then only what came after when the window ends', async () => {
    const { clock, summaries, budget } = setup({ slack: { ...TEN, max: 1 } });
    for (let i = 0; i < 4; i++) await budget.admit(['slack'], `f${i}`, 't', false);
    await budget.flush();
    await budget.admit(['slack'], 'f9', 't', false);
    await clock.advance(600_050);
    expect(summaries.map((s) => s.heldBack)).toEqual([3, 1]);
    // The next window has its own budget.
    expect(await budget.admit(['slack'], 'f0', 't', false)).toEqual(['slack']);
  });

  it('says at least one was held back, once, when the store cannot give the tally of the window', async () => {
    const clock = new ManualClock();
    const summaries: BudgetSummary[] = [];
    const inner = new InMemoryBudgetStore(clock);
    const store: BudgetStore = {
      take: (request) => inner.take(request),
      heldBackOf: () => Promise.reject(new Error('ECONNRESET')),
    };
    const budget = new AlertBudget(
      store,
      new Map([['slack', { ...TEN, max: 1 }]]),
      (s) => summaries.push(s),
      clock,
    );
    for (let i = 0; i < 5; i++) await budget.admit(['slack'], `f${i}`, 't', false);
    await budget.flush();
    await clock.advance(600_050);
    expect(summaries).toEqual([
      {
        channel: 'slack',
        windowSeconds: 600,
        heldBack: 1,
        tally: { heldBack: 1, fingerprints: 0, overflow: false, top: [] },
      },
    ]);
  });
});
