import { EventEmitter } from 'node:events';
import {
  type ProcessErrorMessage,
  ProcessErrorHooks,
  type ProcessLike,
  type UnhandledRejectionsMode,
  unhandledRejectionsMode,
} from './process-error-hooks';

/** A stand-in for `process`: its events, ticks and exit, recorded. */
class FakeProcess extends EventEmitter implements ProcessLike {
  exitCode: number | string | null | undefined = undefined;
  readonly exits: number[] = [];
  readonly ticks: (() => void)[] = [];
  readonly exited: Promise<number>;
  private resolveExit: (code: number) => void = () => undefined;

  constructor() {
    super();
    this.exited = new Promise<number>((resolve) => (this.resolveExit = resolve));
  }

  nextTick(callback: () => void): void {
    this.ticks.push(callback);
  }

  exit(code: number): void {
    this.exits.push(code);
    this.resolveExit(code);
  }
}

function setup(
  mode: UnhandledRejectionsMode = 'throw',
  flush: () => Promise<void> = () => Promise.resolve(),
) {
  const proc = new FakeProcess();
  const lines: [string, ProcessErrorMessage, unknown][] = [];
  const flushed: number[] = [];
  const hooks = new ProcessErrorHooks(
    proc,
    {
      log: (level, message, error) => lines.push([level, message, error]),
      flush: (ms) => {
        flushed.push(ms);
        return flush();
      },
    },
    1000,
    mode,
  );
  hooks.install();
  return { proc, lines, flushed, hooks };
}

describe('ProcessErrorHooks', () => {
  const all: ProcessErrorHooks[] = [];
  afterEach(() => {
    for (const h of all.splice(0)) h.uninstall();
  });
  const started = (...args: Parameters<typeof setup>) => {
    const s = setup(...args);
    all.push(s.hooks);
    return s;
  };

  it('logs an uncaught exception as one fatal line, flushes, then exits with code 1', async () => {
    const { proc, lines, flushed } = started();
    const error = new Error('boom');

    proc.emit('uncaughtException', error, 'uncaughtException');

    expect(lines).toEqual([['fatal', 'uncaught exception', error]]);
    expect(proc.exitCode).toBe(1);
    expect(await proc.exited).toBe(1);
    expect(flushed).toEqual([1000]);
  });

  it('exits even when the flush never ends, once the flush timeout has passed', async () => {
    const { proc } = started('throw', () => new Promise<void>(() => undefined));
    const startedAt = Date.now();

    proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');

    expect(await proc.exited).toBe(1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
  });

  it("leaves the exit to the application's own uncaughtException listener, as Node does", async () => {
    const { proc, lines } = started();
    const own = jest.fn();
    proc.on('uncaughtException', own);

    proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');

    expect(lines.map(([level]) => level)).toEqual(['fatal']);
    expect(own).toHaveBeenCalledTimes(1);
    expect(proc.exits).toEqual([]);
    expect(proc.exitCode).toBeUndefined();
  });

  it("does not count Sentry's listeners (or the domain module's) as the application's", async () => {
    const { proc } = started();
    proc.on(
      'uncaughtException',
      Object.assign(() => undefined, { _errorHandler: true }),
    );
    proc.on('unhandledRejection', function sendUnhandledPromise() {});
    proc.on('uncaughtException', function domainUncaughtExceptionClear() {});

    proc.emit('unhandledRejection', new Error('lost'), Promise.resolve());

    expect(await proc.exited).toBe(1);
  });

  it('logs and exits once when a second error arrives during the flush', async () => {
    let release!: () => void;
    const { proc, lines } = started('throw', () => new Promise<void>((r) => (release = r)));

    proc.emit('uncaughtException', new Error('first'), 'uncaughtException');
    proc.emit('uncaughtException', new Error('second'), 'uncaughtException');
    release();

    expect(await proc.exited).toBe(1);
    expect(lines.map(([, , e]) => (e as Error).message)).toEqual(['first', 'second']);
    expect(proc.exits).toEqual([1]);
  });

  describe('unhandled rejections', () => {
    it('throw mode (the default): one fatal line, then the exit of an uncaught exception', async () => {
      const { proc, lines } = started('throw');
      const reason = new Error('lost');

      proc.emit('unhandledRejection', reason, Promise.resolve());

      expect(lines).toEqual([['fatal', 'unhandled rejection', reason]]);
      expect(await proc.exited).toBe(1);
    });

    it('throw mode: raised as an uncaught exception when the application has a listener for those, logged once', () => {
      const { proc, lines } = started('throw');
      const own = jest.fn();
      proc.on('uncaughtException', own);

      proc.emit('unhandledRejection', 'a plain string', Promise.resolve());
      expect(proc.ticks).toHaveLength(1);
      let thrown: unknown;
      try {
        proc.ticks[0]();
      } catch (error) {
        thrown = error;
      }
      // What Node would do with the throw: tell the uncaughtException listeners.
      proc.emit('uncaughtException', thrown, 'uncaughtException');

      expect(thrown).toMatchObject({ code: 'ERR_UNHANDLED_REJECTION', reason: 'a plain string' });
      expect(own).toHaveBeenCalledWith(thrown, 'uncaughtException');
      expect(lines).toEqual([['fatal', 'unhandled rejection', 'a plain string']]);
      expect(proc.exits).toEqual([]);
    });

    it('throw mode: an error line only when the application has a rejection listener of its own', () => {
      const { proc, lines } = started('throw');
      proc.on('unhandledRejection', () => undefined);

      proc.emit('unhandledRejection', new Error('handled elsewhere'), Promise.resolve());

      expect(lines.map(([level]) => level)).toEqual(['error']);
      expect(proc.exits).toEqual([]);
      expect(proc.ticks).toEqual([]);
    });

    it('strict mode: logged once, where Node raises it as an uncaught exception', async () => {
      const { proc, lines } = started('strict');
      const reason = new Error('lost');

      proc.emit('uncaughtException', reason, 'unhandledRejection');
      proc.emit('unhandledRejection', reason, Promise.resolve());

      expect(lines).toEqual([['fatal', 'unhandled rejection', reason]]);
      expect(await proc.exited).toBe(1);
    });

    it.each([
      ['warn', undefined],
      ['none', undefined],
      ['warn-with-error-code', 1],
    ] as const)('%s mode: an error line, and the process runs on', (mode, exitCode) => {
      const { proc, lines } = started(mode);

      proc.emit('unhandledRejection', new Error('lost'), Promise.resolve());

      expect(lines.map(([level, message]) => [level, message])).toEqual([['error', 'unhandled rejection']]);
      expect(proc.exits).toEqual([]);
      expect(proc.exitCode).toBe(exitCode);
    });
  });

  it('handles each error in the most recently installed hooks only, and nothing once uninstalled', async () => {
    const first = started();
    const proc = first.proc;
    const lines: unknown[] = [];
    const second = new ProcessErrorHooks(
      proc,
      { log: (...args) => lines.push(args), flush: () => Promise.resolve() },
      1000,
      'throw',
    );
    second.install();
    all.push(second);
    // One listener of Faultline's for both instances.
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    expect(proc.listenerCount('unhandledRejection')).toBe(1);
    proc.on('uncaughtException', () => undefined);

    proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');
    expect(first.lines).toEqual([]);
    expect(lines).toHaveLength(1);
    second.uninstall();
    proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');
    expect(first.lines).toHaveLength(1);
    expect(proc.listenerCount('uncaughtException')).toBe(2);

    second.uninstall();
    first.hooks.uninstall();
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });
});

describe('unhandledRejectionsMode', () => {
  it("is Node's default, throw, when nothing sets it", () => {
    expect(unhandledRejectionsMode([], undefined)).toBe('throw');
    expect(unhandledRejectionsMode(['--enable-source-maps'], '--max-old-space-size=512')).toBe('throw');
  });

  it('reads the flag from the command line, in both spellings, before NODE_OPTIONS', () => {
    expect(unhandledRejectionsMode(['--unhandled-rejections=warn'], undefined)).toBe('warn');
    expect(unhandledRejectionsMode(['--unhandled-rejections', 'strict'], undefined)).toBe('strict');
    expect(unhandledRejectionsMode([], '--unhandled-rejections=none')).toBe('none');
    expect(
      unhandledRejectionsMode(['--unhandled-rejections=warn-with-error-code'], '--unhandled-rejections=none'),
    ).toBe('warn-with-error-code');
  });

  it('ignores a value Node does not know', () => {
    expect(unhandledRejectionsMode(['--unhandled-rejections=loud'], undefined)).toBe('throw');
  });
});
