import { ManualClock } from '../kernel/manual-clock.testing';
import { spyOnNestLogger } from '../logging/nest-logger.testing';
import type { AlertChannel } from './alert-channel.interface';
import { AlertDispatcher, type DispatchOptions } from './alert-dispatcher';
import type { AlertMessage } from './alert.interface';

const OPTIONS: DispatchOptions = { maxQueue: 10, timeoutMs: 5000, retries: 2, retryBaseMs: 1000 };

function message(title: string): AlertMessage {
  return { kind: 'custom', severity: 'error', title, fingerprint: title } as AlertMessage;
}

/** A channel that answers each attempt as `answers` says, recording when attempts were made. */
class ScriptedChannel implements AlertChannel {
  readonly attempts: { title: string; at: number; signal: AbortSignal }[] = [];
  constructor(
    readonly name: string,
    private readonly clock: ManualClock,
    private readonly answers: ('ok' | 'fail' | 'hang')[],
  ) {}
  send(m: AlertMessage, signal: AbortSignal): Promise<void> {
    this.attempts.push({ title: m.title, at: this.clock.now(), signal });
    const answer = this.answers.shift() ?? 'ok';
    if (answer === 'ok') return Promise.resolve();
    if (answer === 'fail') return Promise.reject(new Error('answered 500'));
    return new Promise(() => undefined);
  }
}

describe('AlertDispatcher', () => {
  const logger = spyOnNestLogger();

  it('retries a failed delivery with exponential backoff, then counts it sent', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const channel = new ScriptedChannel('webhook', clock, ['fail', 'fail', 'ok']);
    const dispatcher = new AlertDispatcher([channel], OPTIONS, clock);
    dispatcher.enqueue(message('disk full'));
    await clock.runDue();
    expect(channel.attempts.map((a) => a.at - start)).toEqual([0]);
    await clock.advance(999);
    expect(channel.attempts).toHaveLength(1);
    await clock.advance(1);
    expect(channel.attempts.map((a) => a.at - start)).toEqual([0, 1000]);
    await clock.advance(2000);
    expect(channel.attempts.map((a) => a.at - start)).toEqual([0, 1000, 3000]);
    expect(dispatcher.stats()).toEqual({
      webhook: { sent: 1, suppressed: 0, heldBackByBudget: 0, failed: 0, dropped: 0, pending: 0 },
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('times an attempt out, aborts it, and after the last retry logs one warning and counts it failed', async () => {
    const clock = new ManualClock();
    const channel = new ScriptedChannel('slack', clock, ['hang', 'hang', 'hang']);
    const dispatcher = new AlertDispatcher(
      [channel],
      { ...OPTIONS, timeoutMs: 300, retries: 2, retryBaseMs: 50 },
      clock,
    );
    dispatcher.enqueue(message('db down'));
    await clock.runDue();
    await clock.advance(299);
    expect(channel.attempts[0].signal.aborted).toBe(false);
    await clock.advance(1);
    expect(channel.attempts[0].signal.aborted).toBe(true);
    // 300 (timeout) + 50 (backoff) + 300 + 100 + 300
    await clock.advance(750);
    expect(channel.attempts).toHaveLength(3);
    expect(channel.attempts.every((a) => a.signal.aborted)).toBe(true);
    expect(dispatcher.stats().slack).toMatchObject({ sent: 0, failed: 1, pending: 0 });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toBe(
      'alert delivery to channel slack failed after 3 attempts (custom "db down"): timed out after 300 ms',
    );
  });

  it('delivers in order per channel, and a slow channel does not hold up another', async () => {
    const clock = new ManualClock();
    const slow = new ScriptedChannel('email', clock, ['hang']);
    const fast = new ScriptedChannel('slack', clock, []);
    const dispatcher = new AlertDispatcher([slow, fast], { ...OPTIONS, retries: 0 }, clock);
    dispatcher.enqueue(message('one'));
    dispatcher.enqueue(message('two'));
    await clock.runDue();
    expect(fast.attempts.map((a) => a.title)).toEqual(['one', 'two']);
    expect(slow.attempts.map((a) => a.title)).toEqual(['one']);
    await clock.advance(5000);
    expect(slow.attempts.map((a) => a.title)).toEqual(['one', 'two']);
    expect(dispatcher.stats()).toMatchObject({ email: { sent: 1, failed: 1 }, slack: { sent: 2 } });
  });

  it('drops what does not fit the queue, counted and logged, and drains the rest', async () => {
    const clock = new ManualClock();
    const channel = new ScriptedChannel('webhook', clock, ['hang']);
    const dispatcher = new AlertDispatcher([channel], { ...OPTIONS, maxQueue: 2, retries: 0 }, clock);
    for (const t of ['a', 'b', 'c', 'd']) dispatcher.enqueue(message(t));
    // 'a' is in flight; 'b' and 'c' fill the queue; 'd' is dropped.
    expect(dispatcher.stats().webhook).toMatchObject({ dropped: 1, pending: 3 });
    expect(logger.warn.mock.calls[0][0]).toMatch(
      /alert queue of channel webhook is full \(2\); 1 alerts dropped/,
    );
    let drained: boolean | undefined;
    void dispatcher.drain(60_000).then((d) => (drained = d));
    await clock.advance(5000);
    expect(drained).toBe(true);
    expect(channel.attempts.map((a) => a.title)).toEqual(['a', 'b', 'c']);
    expect(dispatcher.stats().webhook).toMatchObject({ sent: 2, failed: 1, dropped: 1, pending: 0 });
  });

  it('gives up draining after the timeout, resolving false', async () => {
    const clock = new ManualClock();
    const channel = new ScriptedChannel('webhook', clock, ['hang']);
    const dispatcher = new AlertDispatcher([channel], { ...OPTIONS, retries: 0 }, clock);
    dispatcher.enqueue(message('a'));
    let drained: boolean | undefined;
    void dispatcher.drain(1000).then((d) => (drained = d));
    await clock.advance(999);
    expect(drained).toBeUndefined();
    await clock.advance(1);
    expect(drained).toBe(false);
  });
});
