import { randomUUID } from 'node:crypto';
import { configErrorOf } from '../kernel/config-error.testing';
import type { AuditEvent, AuditPage } from './audit-event.interface';
import type { AuditStore } from './audit-store.interface';
import { AuditWriter, type AuditSpillReason, type AuditWriterOptions } from './audit-writer';

/** An in-memory store, idempotent on id like the real ones, that fails on demand. */
class FakeStore implements AuditStore {
  readonly rows = new Map<string, AuditEvent>();
  /** Every write attempt, successful or not, in order. */
  readonly attempts: { ids: string[]; at: number; ok: boolean }[] = [];
  down = false;
  /** Write, then fail anyway: the commit landed but the caller saw an error. */
  loseReplies = false;
  /** Never settle. */
  hang = false;

  async write(events: readonly AuditEvent[]): Promise<void> {
    const ids = events.map((e) => e.id);
    if (this.hang) return new Promise<void>(() => undefined);
    if (this.down) {
      this.attempts.push({ ids, at: Date.now(), ok: false });
      throw new Error('store is down');
    }
    for (const e of events) if (!this.rows.has(e.id)) this.rows.set(e.id, e);
    if (this.loseReplies) {
      this.attempts.push({ ids, at: Date.now(), ok: false });
      throw new Error('connection lost after commit');
    }
    this.attempts.push({ ids, at: Date.now(), ok: true });
  }

  async query(): Promise<AuditPage> {
    return { items: [...this.rows.values()] };
  }

  get batches(): string[][] {
    return this.attempts.filter((a) => a.ok).map((a) => a.ids);
  }
}

let seq = 0;
function event(): AuditEvent {
  seq++;
  return { id: randomUUID(), timestamp: new Date(), kind: 'audit', action: `A${seq}`, outcome: 'success' };
}

function setup(options: AuditWriterOptions = {}) {
  const store = new FakeStore();
  const spilled: { events: AuditEvent[]; reason: AuditSpillReason }[] = [];
  const errors: unknown[] = [];
  const writer = new AuditWriter(store, (events, reason) => spilled.push({ events, reason }), {
    onError: (err) => errors.push(err),
    ...options,
  });
  return { store, spilled, errors, writer };
}

const ids = (events: AuditEvent[]) => events.map((e) => e.id);

describe('AuditWriter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('batching', () => {
    it('writes a full batch at once, without waiting for the interval', async () => {
      const { store, writer } = setup({ batchSize: 3, flushIntervalMs: 1000 });
      const events = [event(), event(), event()];
      events.forEach((e) => writer.enqueue(e));
      expect(store.attempts).toHaveLength(0); // enqueue itself does no store work
      await jest.advanceTimersByTimeAsync(0);
      expect(store.batches).toEqual([ids(events)]);
      expect(writer.stats).toMatchObject({ queued: 0, written: 3 });
    });

    it('writes a partial batch after flushIntervalMs', async () => {
      const { store, writer } = setup({ batchSize: 10, flushIntervalMs: 1000 });
      const events = [event(), event()];
      events.forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(999);
      expect(store.attempts).toHaveLength(0);
      expect(writer.stats.queued).toBe(2);
      await jest.advanceTimersByTimeAsync(1);
      expect(store.batches).toEqual([ids(events)]);
    });

    it('keeps the order of events across batches', async () => {
      const { store, writer } = setup({ batchSize: 3, flushIntervalMs: 1000 });
      const events = Array.from({ length: 10 }, event);
      events.forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(0);
      expect(store.batches).toEqual([
        ids(events.slice(0, 3)),
        ids(events.slice(3, 6)),
        ids(events.slice(6, 9)),
      ]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(store.batches.flat()).toEqual(ids(events));
      expect(store.batches.at(-1)).toEqual([events[9].id]);
    });

    it('never writes more than batchSize events in one call', async () => {
      const { store, writer } = setup({ batchSize: 4, flushIntervalMs: 10 });
      for (let i = 0; i < 50; i++) writer.enqueue(event());
      await writer.flush(1000);
      expect(store.batches.every((b) => b.length <= 4)).toBe(true);
      expect(store.rows.size).toBe(50);
    });
  });

  describe('concurrency', () => {
    /** A store whose writes settle only when the test says so. */
    function heldStore() {
      const pending: { ids: string[]; resolve: () => void; reject: (err: Error) => void }[] = [];
      const store: AuditStore = {
        write: (events) =>
          new Promise<void>((resolve, reject) => pending.push({ ids: ids([...events]), resolve, reject })),
        query: async () => ({ items: [] }),
      };
      return { store, pending };
    }

    it('writes up to `concurrency` batches at once, taken in order', async () => {
      const { store, pending } = heldStore();
      const writer = new AuditWriter(store, () => undefined, { batchSize: 2, concurrency: 2 });
      const events = Array.from({ length: 6 }, event);
      events.forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(0);
      expect(pending.map((p) => p.ids)).toEqual([ids(events.slice(0, 2)), ids(events.slice(2, 4))]);
      pending[0].resolve();
      await jest.advanceTimersByTimeAsync(0);
      expect(pending.map((p) => p.ids)).toEqual([0, 2, 4].map((i) => ids(events.slice(i, i + 2))));
      expect(writer.stats).toMatchObject({ written: 2, queued: 4 });
    });

    it('writes one batch at a time with concurrency 1', async () => {
      const { store, pending } = heldStore();
      const writer = new AuditWriter(store, () => undefined, { batchSize: 2, concurrency: 1 });
      Array.from({ length: 6 }, event).forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(0);
      expect(pending).toHaveLength(1);
      pending[0].resolve();
      await jest.advanceTimersByTimeAsync(0);
      expect(pending).toHaveLength(2);
    });

    it('resolves flush() only once every earlier batch is stored, whichever finishes first', async () => {
      const { store, pending } = heldStore();
      const writer = new AuditWriter(store, () => undefined, { batchSize: 2, concurrency: 2 });
      Array.from({ length: 4 }, event).forEach((e) => writer.enqueue(e));
      let flushed: boolean | undefined;
      void writer.flush(10_000).then((done) => (flushed = done));
      await jest.advanceTimersByTimeAsync(0);
      pending[1].resolve(); // the later batch lands first
      await jest.advanceTimersByTimeAsync(0);
      expect(flushed).toBeUndefined();
      expect(writer.stats.queued).toBe(4);
      pending[0].resolve();
      await jest.advanceTimersByTimeAsync(0);
      expect(flushed).toBe(true);
      expect(writer.stats).toMatchObject({ queued: 0, written: 4 });
    });

    it('starts no new batch while a write fails, and all of them again once one succeeds', async () => {
      const { store, pending } = heldStore();
      jest.spyOn(Math, 'random').mockReturnValue(1);
      const writer = new AuditWriter(store, () => undefined, {
        batchSize: 1,
        concurrency: 3,
        retryBaseMs: 100,
        onError: () => undefined,
      });
      Array.from({ length: 10 }, event).forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(0);
      expect(pending).toHaveLength(3);
      pending[0].reject(new Error('down'));
      pending[1].reject(new Error('down'));
      pending[2].reject(new Error('down'));
      await jest.advanceTimersByTimeAsync(100 + 200 + 400); // one backoff: the three waits grow
      expect(pending).toHaveLength(6); // the three failed batches retried, no fourth started
      expect(pending.slice(3).map((p) => p.ids)).toEqual(pending.slice(0, 3).map((p) => p.ids));
      pending[3].resolve();
      await jest.advanceTimersByTimeAsync(0);
      pending[4].resolve();
      pending[5].resolve();
      await jest.advanceTimersByTimeAsync(0);
      expect(pending).toHaveLength(9); // back to three at once
      expect(writer.stats).toMatchObject({ written: 3, queued: 7, writeFailures: 3 });
    });

    it('hands every batch in flight and the queue, in order, to the spill at close', async () => {
      const { store, pending } = heldStore();
      const spilled: AuditEvent[][] = [];
      const writer = new AuditWriter(store, (e) => spilled.push(e), { batchSize: 2, concurrency: 2 });
      const events = Array.from({ length: 5 }, event);
      events.forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(0);
      expect(pending).toHaveLength(2);
      const closed = writer.close(100);
      await jest.advanceTimersByTimeAsync(100);
      await closed;
      expect(spilled).toEqual([events]);
      pending[1].resolve(); // landing after close counts for nothing: they were spilled
      await jest.advanceTimersByTimeAsync(0);
      expect(writer.stats).toMatchObject({ queued: 0, written: 0, spilledShutdown: 5 });
    });
  });

  describe('flush', () => {
    it('resolves true once everything queued before it is written', async () => {
      const { store, writer } = setup({ batchSize: 100, flushIntervalMs: 60_000 });
      for (let i = 0; i < 5; i++) writer.enqueue(event());
      await expect(writer.flush(1000)).resolves.toBe(true);
      expect(store.rows.size).toBe(5);
      await expect(writer.flush(1000)).resolves.toBe(true); // nothing queued: at once
    });

    it('resolves false when the timeout passes first, and keeps the events', async () => {
      const { store, writer } = setup({ batchSize: 100 });
      store.down = true;
      writer.enqueue(event());
      const flushed = writer.flush(500);
      await jest.advanceTimersByTimeAsync(500);
      await expect(flushed).resolves.toBe(false);
      expect(writer.stats.queued).toBe(1);
    });

    it('tries a pending retry at once instead of waiting out the backoff', async () => {
      const { store, writer } = setup({ batchSize: 1, retryBaseMs: 10_000, retryMaxMs: 10_000 });
      jest.spyOn(Math, 'random').mockReturnValue(1);
      store.down = true;
      writer.enqueue(event());
      await jest.advanceTimersByTimeAsync(0);
      expect(store.attempts).toHaveLength(1); // now sleeping 10 s
      store.down = false;
      const flushed = writer.flush(100);
      await jest.advanceTimersByTimeAsync(0);
      await expect(flushed).resolves.toBe(true);
      expect(store.attempts).toHaveLength(2);
    });
  });

  describe('failures', () => {
    it('retries a failed batch with exponential backoff and full jitter, up to retryMaxMs', async () => {
      const { store, writer, errors } = setup({ batchSize: 1, retryBaseMs: 100, retryMaxMs: 1000 });
      const random = jest.spyOn(Math, 'random').mockReturnValue(1);
      store.down = true;
      writer.enqueue(event());
      await jest.advanceTimersByTimeAsync(0);
      await jest.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1000 + 1000);
      const gaps = store.attempts.slice(1).map((a, i) => a.at - store.attempts[i].at);
      expect(gaps).toEqual([100, 200, 400, 800, 1000, 1000]);
      expect(writer.stats.writeFailures).toBe(7);
      expect(errors).toHaveLength(7); // onError once per failed attempt
      expect(errors[0]).toEqual(new Error('store is down'));

      // Full jitter: the delay is random() times the ceiling (the sleep already running keeps its 1000).
      random.mockReturnValue(0.25);
      await jest.advanceTimersByTimeAsync(1000);
      const before = store.attempts.length;
      await jest.advanceTimersByTimeAsync(249);
      expect(store.attempts).toHaveLength(before);
      await jest.advanceTimersByTimeAsync(1);
      expect(store.attempts).toHaveLength(before + 1);
    });

    it('starts the backoff over after a success', async () => {
      const { store, writer } = setup({ batchSize: 1, retryBaseMs: 100, retryMaxMs: 10_000 });
      jest.spyOn(Math, 'random').mockReturnValue(1);
      store.down = true;
      writer.enqueue(event());
      await jest.advanceTimersByTimeAsync(0 + 100 + 200 + 400);
      expect(store.attempts).toHaveLength(4);
      store.down = false;
      await jest.advanceTimersByTimeAsync(800);
      expect(writer.stats.written).toBe(1);
      store.down = true;
      writer.enqueue(event());
      await jest.advanceTimersByTimeAsync(0);
      const failedAt = store.attempts.at(-1)!.at;
      await jest.advanceTimersByTimeAsync(100);
      expect(store.attempts.at(-1)!.at - failedAt).toBe(100);
    });

    it('keeps events while the store is down and writes each exactly once when it returns', async () => {
      const { store, writer } = setup({
        batchSize: 5,
        flushIntervalMs: 50,
        retryBaseMs: 50,
        retryMaxMs: 200,
      });
      const events = Array.from({ length: 23 }, event);
      events.slice(0, 8).forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(0);
      store.loseReplies = true; // the next writes land but report failure
      events.slice(8, 16).forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(300);
      store.loseReplies = false;
      store.down = true;
      events.slice(16).forEach((e) => writer.enqueue(e));
      await jest.advanceTimersByTimeAsync(5_000);
      expect(writer.stats.queued).toBeGreaterThan(0);
      store.down = false;
      await jest.advanceTimersByTimeAsync(1_000);
      await expect(writer.flush(1000)).resolves.toBe(true);

      expect([...store.rows.keys()]).toEqual(ids(events)); // all of them, in order, once each
      const tried = store.attempts.flatMap((a) => a.ids);
      expect(tried.length).toBeGreaterThan(events.length); // some were sent more than once
      expect(writer.stats).toMatchObject({ queued: 0, written: 23, spilledOverflow: 0 });
      expect(writer.stats.writeFailures).toBeGreaterThan(0);
    });

    it('treats a write that never settles as failed after writeTimeoutMs', async () => {
      const { store, writer, errors } = setup({ batchSize: 1, writeTimeoutMs: 1000, retryBaseMs: 10 });
      store.hang = true;
      writer.enqueue(event());
      await jest.advanceTimersByTimeAsync(1000);
      expect(errors).toEqual([new Error('audit store write did not settle within 1000 ms')]);
      store.hang = false;
      await expect(writer.flush(1000)).resolves.toBe(true);
      expect(writer.stats.written).toBe(1);
    });

    it('treats a store that throws synchronously like one that rejects', async () => {
      let fail = true;
      const store: AuditStore = {
        write: () => {
          if (fail) throw new Error('sync failure');
          return Promise.resolve();
        },
        query: async () => ({ items: [] }),
      };
      const errors: unknown[] = [];
      const writer = new AuditWriter(store, () => undefined, {
        batchSize: 1,
        retryBaseMs: 10,
        onError: (e) => errors.push(e),
      });
      expect(() => writer.enqueue(event())).not.toThrow();
      await jest.advanceTimersByTimeAsync(0);
      fail = false;
      await expect(writer.flush(1000)).resolves.toBe(true);
      expect(errors).toEqual([new Error('sync failure')]);
    });

    it('survives an onError that throws', async () => {
      const store = new FakeStore();
      const writer = new AuditWriter(store, () => undefined, {
        batchSize: 1,
        retryBaseMs: 10,
        onError: () => {
          throw new Error('logger broke');
        },
      });
      store.down = true;
      writer.enqueue(event());
      await jest.advanceTimersByTimeAsync(100);
      store.down = false;
      await expect(writer.flush(1000)).resolves.toBe(true);
    });
  });

  describe('overflow', () => {
    it('hands the newest events to the spill when the queue is full, counted, none lost', async () => {
      const { store, writer, spilled } = setup({
        batchSize: 2,
        maxQueue: 5,
        retryBaseMs: 10,
        retryMaxMs: 10,
      });
      store.down = true;
      const events = Array.from({ length: 8 }, event);
      events.forEach((e) => writer.enqueue(e));
      expect(spilled).toEqual(events.slice(5).map((e) => ({ events: [e], reason: 'overflow' })));
      expect(writer.stats).toMatchObject({ queued: 5, spilledOverflow: 3 });
      store.down = false;
      await expect(writer.flush(1000)).resolves.toBe(true);
      expect([...store.rows.keys()]).toEqual(ids(events.slice(0, 5)));
      const { written, spilledOverflow } = writer.stats;
      expect(written + spilledOverflow).toBe(events.length);
    });

    it('never throws from enqueue, even when the spill throws', () => {
      const store = new FakeStore();
      const errors: unknown[] = [];
      const writer = new AuditWriter(
        store,
        () => {
          throw new Error('spill broke');
        },
        { maxQueue: 1, onError: (e) => errors.push(e) },
      );
      writer.enqueue(event());
      expect(() => writer.enqueue(event())).not.toThrow();
      expect(writer.stats.spilledOverflow).toBe(1);
      expect(errors).toEqual([new Error('spill broke')]);
    });
  });

  describe('close', () => {
    it('writes what it can within the timeout', async () => {
      const { store, writer, spilled } = setup({ batchSize: 100, flushIntervalMs: 60_000 });
      for (let i = 0; i < 3; i++) writer.enqueue(event());
      await writer.close(1000);
      expect(store.rows.size).toBe(3);
      expect(spilled).toEqual([]);
      expect(writer.stats).toMatchObject({ queued: 0, written: 3, spilledShutdown: 0 });
    });

    it('hands what is left to the spill as shutdown when the store stays down', async () => {
      const { store, writer, spilled } = setup({ batchSize: 2, retryBaseMs: 10, retryMaxMs: 10 });
      store.down = true;
      const events = Array.from({ length: 5 }, event);
      events.forEach((e) => writer.enqueue(e));
      const closed = writer.close(200);
      await jest.advanceTimersByTimeAsync(200);
      await closed;
      expect(spilled).toEqual([{ events, reason: 'shutdown' }]);
      expect(writer.stats).toMatchObject({ queued: 0, written: 0, spilledShutdown: 5 });

      // Stopped: no more attempts, and later events go straight to the spill.
      const attempts = store.attempts.length;
      store.down = false;
      await jest.advanceTimersByTimeAsync(10_000);
      expect(store.attempts).toHaveLength(attempts);
      const late = event();
      writer.enqueue(late);
      expect(spilled.at(-1)).toEqual({ events: [late], reason: 'shutdown' });
      expect(writer.stats.spilledShutdown).toBe(6);
    });

    it('is idempotent and leaves no timers behind', async () => {
      const { store, writer } = setup({ batchSize: 10, retryBaseMs: 10 });
      store.down = true;
      writer.enqueue(event());
      const first = writer.close(50);
      const second = writer.close(50);
      await jest.advanceTimersByTimeAsync(50);
      await Promise.all([first, second]);
      expect(writer.stats.spilledShutdown).toBe(1);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('options', () => {
    it.each<[keyof AuditWriterOptions, unknown]>([
      ['batchSize', 0],
      ['batchSize', 1.5],
      ['flushIntervalMs', 0],
      ['maxQueue', -1],
      ['concurrency', 0],
      ['retryBaseMs', Number.NaN],
      ['retryMaxMs', '100'],
      ['writeTimeoutMs', 0],
    ])('rejects %s = %p, naming the option', (option, value) => {
      const error = configErrorOf(
        () => new AuditWriter(new FakeStore(), () => undefined, { [option]: value } as AuditWriterOptions),
      );
      expect(error.option).toBe(`audit.${option}`);
    });
  });
});

describe('AuditWriter timers', () => {
  afterEach(() => jest.restoreAllMocks());

  it('does not keep the process alive while waiting for the interval or a retry', async () => {
    const timeouts = jest.spyOn(global, 'setTimeout');
    const store = new FakeStore();
    store.down = true;
    const writer = new AuditWriter(store, () => undefined, { batchSize: 2, flushIntervalMs: 60_000 });
    try {
      writer.enqueue(event()); // the interval timer
      writer.enqueue(event()); // a full batch: a failed write, then a backoff sleep
      // The write and its failure take a few turns of the event loop, no time: wait for the
      // backoff sleep's timer, the third one set.
      for (let turn = 0; turn < 1000 && timeouts.mock.results.length < 3; turn++) {
        await new Promise((r) => setImmediate(r));
      }
      expect(store.attempts.length).toBeGreaterThan(0);
      const timers = timeouts.mock.results.map((r) => r.value as NodeJS.Timeout);
      expect(timers).toHaveLength(3); // interval, write timeout, backoff
      expect(timers.filter((t) => t.hasRef())).toHaveLength(0);
    } finally {
      await writer.close(0);
    }
  });

  it('keeps the process alive while someone waits on flush() or close(), until the timeout', async () => {
    const store = new FakeStore();
    store.down = true;
    const writer = new AuditWriter(store, () => undefined);
    writer.enqueue(event());
    const timeouts = jest.spyOn(global, 'setTimeout');
    const closed = writer.close(50); // at shutdown: must get to spill what is left
    const index = timeouts.mock.calls.findIndex(([, ms]) => ms === 50);
    expect((timeouts.mock.results[index].value as NodeJS.Timeout).hasRef()).toBe(true);
    await closed;
    expect(writer.stats.spilledShutdown).toBe(1);
  });
});
