import { tracingChannel } from 'node:diagnostics_channel';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { ALREADY_REDACTED } from '../kernel/request-context';
import { SerialisedLines } from './serialised-lines';

/** A pino destination that keeps every line as written. */
class Written {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

/**
 * An `err` serializer that, like Faultline's, reshapes only `Error` instances: the plain `err` of
 * a request line is written as it is. (pino's own would rebuild any object with a `message`.)
 */
const KEEP_PLAIN = (e: unknown): unknown => (e instanceof Error ? { type: e.name } : e);

/**
 * A root with `options` (and {@link KEEP_PLAIN} as its `err` serializer, unless they have one)
 * writing into a sink, its `audit` channel and a request's logger (bound to its `requestId`); the
 * time fixed.
 */
function channelOf(options: LoggerOptions): {
  written: Written;
  root: Logger;
  channel: Logger;
  request: Logger;
} {
  const written = new Written();
  const root = pino(
    {
      timestamp: () => ',"time":1796000000000',
      ...options,
      serializers: { err: KEEP_PLAIN, ...options.serializers },
    },
    written,
  );
  return {
    written,
    root,
    channel: root.child({ channel: 'audit' }),
    request: root.child({ requestId: '798acf86-ea31-45f2-995a-0752faf0b24d' }),
  };
}

/** Event lines of every kind of value a field may hold. */
const LINES: Record<string | symbol, unknown>[] = [
  {
    [ALREADY_REDACTED]: true,
    requestId: '798acf86-ea31-45f2-995a-0752faf0b24d',
    ip: '127.0.0.1',
    method: 'POST',
    route: '/items/:id/notes',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0',
    actorId: '42',
    id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    timestamp: '2026-12-07T10:00:00.000Z',
    kind: 'audit',
    action: 'ITEM_NOTE_ADD',
    outcome: 'success',
    durationMs: 3,
    status: 201,
    errorCode: undefined,
    resourceType: 'item',
    resourceId: '42',
    data: { body: { title: 'a "quoted" \\ title', body: 'tab\there\nnew line \u0001 é 한국어 😀' } },
  },
  {
    [ALREADY_REDACTED]: true,
    action: 'x'.repeat(150) + '"\\',
    outcome: 'failure',
    status: Number.NaN,
    durationMs: Infinity,
    data: { when: new Date(0), list: [1, 'two', null, true, { deep: ['\u001f'] }], gone: undefined },
    errorCode: 'café "crème"\u0000',
    resourceId: '',
  },
  { [ALREADY_REDACTED]: true },
  { [ALREADY_REDACTED]: true, kind: 'security', data: { toJSON: () => ({ shown: 'as toJSON gives it' }) } },
];

/** Request lines: a success, and a failure with its field errors and its error. */
const REQUEST_LINES: Record<string | symbol, unknown>[] = [
  {
    [ALREADY_REDACTED]: true,
    method: 'GET',
    route: '/items/:id',
    url: '/items/42',
    status: 200,
    ip: '127.0.0.1',
    userId: 7,
    durationMs: 1,
  },
  {
    [ALREADY_REDACTED]: true,
    method: 'POST',
    route: '/items',
    url: '/items?q="x"',
    status: 400,
    ip: '::ffff:127.0.0.1',
    durationMs: 0,
    code: 'VALIDATION_ERROR',
    errors: [{ pointer: '#/name', field: 'name', code: 'isNotEmpty', detail: 'name should not be empty' }],
    err: {
      type: 'ValidationError',
      message: 'The request has invalid fields',
      code: 'VALIDATION_ERROR',
      stack: ['ValidationError: The request has invalid fields', '    at x (/app/x.js:1:1)'],
    },
  },
];

const OPTIONS: [string, LoggerOptions][] = [
  ['pino defaults', {}],
  [
    'level labels and an ISO time',
    {
      formatters: { level: (label) => ({ level: label }) },
      timestamp: () => ',"time":"2026-12-07T10:00:00.000Z"',
    },
  ],
  [
    'a message key, bindings of its own and CRLF line ends',
    { messageKey: 'message', base: { service: 'orders', pid: 1 }, crlf: true },
  ],
  ['no base bindings', { base: null }],
  ['bindings formatted', { formatters: { bindings: (b) => ({ host: String(b.hostname ?? 'x') }) } }],
  ['a serializer of a field none of these lines has', { serializers: { req: () => 'req' } }],
];

describe('SerialisedLines', () => {
  it.each(OPTIONS)('writes the very line pino writes, with %s', (_name, options) => {
    const plain = channelOf(options);
    const fast = channelOf(options);
    const lines = SerialisedLines.install(fast.root, options, pino, [KEEP_PLAIN]);
    expect(lines).toBeDefined();

    for (const [i, line] of LINES.entries()) {
      const level = i % 2 === 0 ? 'info' : 'warn';
      plain.channel[level]({ ...line }, 'audit event');
      expect(lines!.write(fast.channel, level, { ...line }, 'audit event')).toBe(JSON.stringify(line));
    }
    for (const [i, line] of REQUEST_LINES.entries()) {
      const level = i % 2 === 0 ? 'info' : 'warn';
      plain.request[level]({ ...line }, 'request completed');
      expect(lines!.write(fast.request, level, { ...line }, 'request completed')).toBe(JSON.stringify(line));
    }
    expect(fast.written.lines).toHaveLength(LINES.length + REQUEST_LINES.length);
    expect(fast.written.lines).toEqual(plain.written.lines);
    for (const text of fast.written.lines) expect(() => JSON.parse(text) as unknown).not.toThrow();
  });

  it('writes a line its fields cannot be serialised as JSON of as pino does, and returns no text', () => {
    const plain = channelOf({});
    const fast = channelOf({});
    const lines = SerialisedLines.install(fast.root, {}, pino, [KEEP_PLAIN])!;
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;

    for (const data of [{ n: 10n }, cyclic]) {
      expect(
        lines.write(fast.channel, 'info', { [ALREADY_REDACTED]: true, id: 'x', data }, 'audit event'),
      ).toBeUndefined();
      plain.channel.info({ [ALREADY_REDACTED]: true, id: 'x', data }, 'audit event');
    }
    expect(fast.written.lines).toEqual(plain.written.lines);
  });

  it('writes a lone surrogate as its escape, as JSON.stringify does: the one difference from pino', () => {
    const { written, channel } = channelOf({});
    const lines = SerialisedLines.install(channel, {}, pino, [KEEP_PLAIN])!;

    lines.write(channel, 'info', { [ALREADY_REDACTED]: true, note: 'x\uD800y' }, 'audit event');

    expect(written.lines[0]).toContain('"note":"x\\ud800y"');
    expect(written.lines[0]).toMatch(
      /^\{"level":30,"time":1796000000000,"pid":\d+,"hostname":".*","channel":"audit",/,
    );
  });

  it("leaves every other line to pino's own serialisation, children of the channel's included", () => {
    const plain = channelOf({});
    const fast = channelOf({});
    SerialisedLines.install(fast.root, {}, pino, [KEEP_PLAIN]);

    for (const { channel } of [plain, fast]) {
      channel.info({ a: 'x\uD800y', n: 1 }, 'a line of its own');
      channel.child({ job: 'nightly' }).warn('a message alone');
      channel.error(new Error('boom'));
    }
    const withoutStacks = (lines: string[]) =>
      lines.map((l) => JSON.stringify({ ...(JSON.parse(l) as object), err: undefined }));
    expect(withoutStacks(fast.written.lines)).toEqual(withoutStacks(plain.written.lines));
    // pino writes a lone surrogate as it is; that line was pino's.
    expect(fast.written.lines[0]).toContain('x\uD800y');
  });

  it.each([
    ['a mixin', { mixin: () => ({ extra: 1 }) }],
    [
      'a mixinMergeStrategy',
      {
        mixinMergeStrategy: (merge: Record<string, unknown>, mixin: object) => {
          delete merge.ip;
          return Object.assign(merge, mixin);
        },
      },
    ],
    [
      'a logMethod hook',
      { hooks: { logMethod: (args: unknown[], method: (...a: unknown[]) => void) => method(...args) } },
    ],
    ['formatters.log', { formatters: { log: (o: Record<string, unknown>) => o } }],
    ['a nestedKey', { nestedKey: 'payload' }],
    ['redact paths', { redact: ['data.password'] }],
    ['a serializer of the message key', { serializers: { msg: () => 'message' } }],
  ] as [string, LoggerOptions][])(
    'is not used when the options have %s: those shape the fields',
    (_name, options) => {
      const { channel } = channelOf(options);
      expect(SerialisedLines.install(channel, options, pino, [KEEP_PLAIN])).toBeUndefined();
    },
  );

  it('sends a line with a field a serializer may change to pino, and writes the others itself', () => {
    const options: LoggerOptions = { serializers: { data: () => 'shaped', err: (e: unknown) => e } };
    const plain = channelOf(options);
    const fast = channelOf(options);
    const lines = SerialisedLines.install(fast.root, options, pino, [KEEP_PLAIN])!;
    const event = { [ALREADY_REDACTED]: true, id: 'x', data: { secret: 'kept out by the serializer' } };
    const other = { [ALREADY_REDACTED]: true, id: 'y', outcome: 'success' };

    expect(lines.write(fast.channel, 'info', { ...event }, 'audit event')).toBeUndefined();
    expect(lines.write(fast.channel, 'info', { ...other }, 'audit event')).toBe(JSON.stringify(other));
    // A serializer of `err` the caller does not vouch for shapes the request line's `err` too.
    expect(lines.write(fast.request, 'warn', { ...REQUEST_LINES[1] }, 'request failed')).toBeUndefined();
    plain.channel.info({ ...event }, 'audit event');
    plain.channel.info({ ...other }, 'audit event');
    plain.request.warn({ ...REQUEST_LINES[1] }, 'request failed');

    expect(fast.written.lines).toEqual(plain.written.lines);
    expect(fast.written.lines[0]).toContain('"data":"shaped"');
  });

  it("leaves lines to pino while pino's serialisation is traced (diagnostics channel pino_asJson)", () => {
    const { written, root, channel } = channelOf({});
    const lines = SerialisedLines.install(root, {}, pino, [KEEP_PLAIN])!;
    const traced: unknown[] = [];
    const none = () => undefined;
    const handlers = {
      start: (message: unknown) => void traced.push(message),
      end: none,
      asyncStart: none,
      asyncEnd: none,
      error: none,
    };
    const trace = tracingChannel('pino_asJson');
    trace.subscribe(handlers);
    try {
      expect(
        lines.write(channel, 'info', { [ALREADY_REDACTED]: true, note: 'x\uD800y' }, 'audit event'),
      ).toBe('{"note":"x\\ud800y"}');
    } finally {
      trace.unsubscribe(handlers);
    }
    expect(traced).toHaveLength(1);
    // pino wrote it: the lone surrogate as it is.
    expect(written.lines[0]).toContain('x\uD800y');
  });
});
