import type { Logger } from 'pino';
import { Redactor } from '../redaction/redactor';
import { FailureLog } from './failure-log.service';
import type { LoggingRuntime } from './logging-runtime';
import { Lines, runtimeInto } from './logging-runtime.testing';
import { spyOnNestLogger } from './nest-logger.testing';
import {
  LOGGER_REQUEST,
  REQUEST_FAILURE,
  type FailureLevel,
  type LoggedRequest,
  type RequestFailure,
} from '../kernel/request-context';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const R = '[REDACTED]';

function failure(exception: unknown, overrides: Partial<RequestFailure> = {}): RequestFailure {
  return { exception, status: 500, code: 'INTERNAL_ERROR', expected: false, level: 'error', ...overrides };
}

function request(overrides: Partial<LoggedRequest> = {}): LoggedRequest {
  return { id: 'req-1', method: 'GET', url: '/orders/42', originalUrl: '/orders/42', ...overrides };
}

/** A request whose logger is the one Faultline's request middleware puts on it. */
function withOwnRequestLine(req: LoggedRequest, runtime: LoggingRuntime): LoggedRequest {
  const log = runtime.root.child({ requestId: req.id }) as Logger & Record<symbol, unknown>;
  log[LOGGER_REQUEST] = req;
  req.log = log;
  return req;
}

describe('FailureLog', () => {
  const redactor = new Redactor();

  describe('with logging off (no runtime): one Nest Logger line per failure', () => {
    const nest = spyOnNestLogger();
    const log = new FailureLog(redactor, null);

    const calls = () => ({
      error: nest.error.mock.calls.length,
      warn: nest.warn.mock.calls.length,
      log: nest.log.mock.calls.length,
    });

    it('logs an unexpected failure at error, with method, redacted url, status, code, requestId, sentryEventId, type and redacted message, and the redacted stack', () => {
      const err = new Error(`upstream rejected ${JWT}`);
      log.record(
        request({ originalUrl: '/orders/42?access_token=abcdef123456&page=2', url: '/42' }),
        failure(err, { eventId: 'evt-9f8e' }),
      );
      expect(calls()).toEqual({ error: 1, warn: 0, log: 0 });
      const [line, stack] = nest.error.mock.calls[0] as [string, string];
      expect(line).toBe(
        `GET /orders/42?access_token=${R}&page=2 500 INTERNAL_ERROR requestId=req-1 ` +
          `sentryEventId=evt-9f8e Error: upstream rejected ${R}`,
      );
      expect(stack).toMatch(/^Error: upstream rejected \[REDACTED\]\n\s+at /);
      expect(stack).not.toContain('eyJ');
      expect(stack).not.toContain('abcdef123456');
    });

    it.each<[FailureLevel, 'warn' | 'log', number, string]>([
      ['warn', 'warn', 409, 'CONFLICT'],
      ['info', 'log', 404, 'NOT_FOUND'],
    ])('logs a failure of level %s through Logger.%s, with no stack', (level, method, status, code) => {
      log.record(
        request({ method: 'POST', originalUrl: '/orders', id: 7 }),
        failure(new RangeError('order 42 already placed'), { status, code, expected: true, level }),
      );
      expect(calls()).toEqual({ error: 0, warn: method === 'warn' ? 1 : 0, log: method === 'log' ? 1 : 0 });
      expect(nest[method].mock.calls[0]).toEqual([
        `POST /orders ${status} ${code} requestId=7 RangeError: order 42 already placed`,
      ]);
    });

    it('leaves sentryEventId out when the failure has no event id', () => {
      log.record(request(), failure(new Error('x'), { level: 'warn', status: 400, code: 'BAD_REQUEST' }));
      expect(nest.warn.mock.calls[0][0]).toBe('GET /orders/42 400 BAD_REQUEST requestId=req-1 Error: x');
    });

    it('falls back to req.url when there is no originalUrl', () => {
      log.record(
        request({ originalUrl: undefined, url: '/raw?password=hunter2hunter2' }),
        failure(new Error('x'), { level: 'warn', status: 400, code: 'BAD_REQUEST' }),
      );
      expect(nest.warn.mock.calls[0][0]).toBe(
        `GET /raw?password=${R} 400 BAD_REQUEST requestId=req-1 Error: x`,
      );
    });

    it('escapes control characters from the url and the message, so no line can be forged', () => {
      const forged = '\n2026-01-01 LOG [Faultline] GET / 200 OK requestId=forged';
      const err = new Error(`bad input\r${forged}\u001b[31m`);
      log.record(request({ originalUrl: `/a\nb%0a` }), failure(err));
      const [line, stack] = nest.error.mock.calls[0] as [string, string];
      for (const c of ['\r', '\n', '\u001b']) expect(line).not.toContain(c);
      expect(line).toBe(
        'GET /a\\u000ab%0a 500 INTERNAL_ERROR requestId=req-1 Error: bad input\\u000d' +
          '\\u000a2026-01-01 LOG [Faultline] GET / 200 OK requestId=forged\\u001b[31m',
      );
      // Nest prints the stack as it is, on lines of its own: its head (the message) is escaped
      // too, and only the frames start new lines.
      const [head, ...frames] = stack.split('\n');
      expect(head).toBe(
        'Error: bad input\\u000d\\u000a2026-01-01 LOG [Faultline] GET / 200 OK requestId=forged\\u001b[31m',
      );
      expect(frames.length).toBeGreaterThan(0);
      for (const frame of frames) expect(frame).toMatch(/^\s+at /);
      for (const c of ['\r', '\u001b']) expect(stack).not.toContain(c);
    });

    it('keeps a message that fakes frames of its own from starting a line of the stack', () => {
      const err = new Error(
        'bad\n    at fake (x.js:1:1)\n2026-01-01 LOG [Faultline] forged\n    at fake2 (y.js:1:1)',
      );
      log.record(request(), failure(err));
      const stack = (nest.error.mock.calls[0] as [string, string])[1];
      const [head, ...frames] = stack.split('\n');
      // Everything up to the real frames is one escaped line: the forged line is inside it.
      expect(head).toContain('\\u000a2026-01-01 LOG [Faultline] forged');
      expect(frames.length).toBeGreaterThan(0);
      for (const frame of frames) expect(frame).toMatch(/^\s+at /);
    });

    it.each<[string, unknown, string]>([
      ['a string', `card 4111 1111 1111 1111 declined`, `string: card ${R} declined`],
      ['null', null, 'null: [null]'],
      ['undefined', undefined, 'undefined: [undefined]'],
      ['a number', 42, 'number: [number]'],
      ['a plain object', { reason: 'x' }, 'Object: [Object]'],
      ['a class instance that is not an Error', new (class Refusal {})(), 'Refusal: [Refusal]'],
      ['an object with a string message', { message: `token ${JWT}` }, `Object: token ${R}`],
    ])('describes %s thrown safely', (_name, thrown, described) => {
      log.record(request(), failure(thrown));
      expect(calls()).toEqual({ error: 1, warn: 0, log: 0 });
      expect(nest.error.mock.calls[0]).toEqual([
        `GET /orders/42 500 INTERNAL_ERROR requestId=req-1 ${described}`,
        '',
      ]);
    });

    it('describes a hostile thrown value (throwing traps and getters) without throwing', () => {
      const hostile = new Proxy(
        {},
        {
          get() {
            throw new Error('trap: get');
          },
          getPrototypeOf() {
            throw new Error('trap: getPrototypeOf');
          },
        },
      );
      const sneaky = Object.defineProperty(new Error('unused'), 'message', {
        get() {
          throw new Error('trap: message');
        },
      });
      expect(() => log.record(request(), failure(hostile))).not.toThrow();
      expect(() => log.record(request({ id: 'req-2' }), failure(sneaky))).not.toThrow();
      expect(nest.error.mock.calls.map((c) => c[0])).toEqual([
        'GET /orders/42 500 INTERNAL_ERROR requestId=req-1 Object: [Object]',
        'GET /orders/42 500 INTERNAL_ERROR requestId=req-2 Error: [Error]',
      ]);
    });

    it('logs a filter failure once, at error, with the requestId, the original type and the redacted, escaped filter error', () => {
      const filterError = new TypeError(`cannot read body of ${JWT}\nforged line`);
      log.filterFailed(new RangeError('original'), filterError, 'req-3');
      expect(calls()).toEqual({ error: 1, warn: 0, log: 0 });
      const [line, stack] = nest.error.mock.calls[0] as [string, string];
      expect(line).toBe(
        `exception filter failed requestId=req-3 while handling RangeError: TypeError: cannot read body of ${R}\\u000aforged line`,
      );
      expect(stack).toMatch(/^TypeError: cannot read body of \[REDACTED\]\\u000aforged line\n\s+at /);
    });

    it('logs a filter failure without a request id as requestId=-, and a non-Error filter failure without a stack', () => {
      log.filterFailed('thrown text', 'filter\nfailed', undefined);
      expect(calls()).toEqual({ error: 1, warn: 0, log: 0 });
      const [line, stack] = nest.error.mock.calls[0] as [string, unknown];
      expect(line).toMatch(/^exception filter failed requestId=- while handling string: string:/);
      expect(line).not.toContain('\n');
      expect(stack).toBeUndefined();
    });
  });

  describe("with Faultline's logging in 'own' mode", () => {
    const nest = spyOnNestLogger();
    let sink: Lines;
    let runtime: LoggingRuntime;
    let log: FailureLog;

    beforeEach(() => {
      sink = new Lines();
      runtime = runtimeInto(sink, redactor);
      log = new FailureLog(redactor, runtime);
    });

    const nestCalls = () =>
      nest.error.mock.calls.length + nest.warn.mock.calls.length + nest.log.mock.calls.length;

    it('puts the failure on a request that has its own request line, and writes no line of its own', () => {
      const req = withOwnRequestLine(request(), runtime);
      const f = failure(new Error('boom'), { eventId: 'evt-1' });
      log.record(req, f);
      expect(req[REQUEST_FAILURE]).toBe(f);
      expect(sink.lines).toEqual([]);
      expect(nestCalls()).toBe(0);
    });

    it('writes one line of its own, with the requestId, for a request without a request line of Faultline', () => {
      const req = request({ originalUrl: `/orders/42?token=${JWT}` });
      log.record(
        req,
        failure(new RangeError('order 42 already placed'), {
          status: 409,
          code: 'CONFLICT',
          expected: true,
          level: 'warn',
          eventId: 'evt-2',
        }),
      );
      expect(req[REQUEST_FAILURE]).toBeUndefined();
      expect(nestCalls()).toBe(0);
      expect(sink.lines).toEqual([
        expect.objectContaining({
          level: 40,
          msg: 'request failed',
          method: 'GET',
          url: `/orders/42?token=${R}`,
          status: 409,
          code: 'CONFLICT',
          requestId: 'req-1',
          sentryEventId: 'evt-2',
          err: { type: 'RangeError', message: 'order 42 already placed' },
        }),
      ]);
    });

    it("writes a line of its own in 'external' mode even when the request has a logger", () => {
      const external: LoggingRuntime = { ...runtime, mode: 'external' };
      const externalLog = new FailureLog(redactor, external);
      const req = withOwnRequestLine(request(), runtime);
      externalLog.record(req, failure(new Error('boom')));
      expect(req[REQUEST_FAILURE]).toBeUndefined();
      expect(sink.lines).toHaveLength(1);
      expect(sink.lines[0]).toEqual(
        expect.objectContaining({
          level: 50,
          msg: 'request failed',
          code: 'INTERNAL_ERROR',
          requestId: 'req-1',
        }),
      );
    });

    it('logs a filter failure once, at error, through the root logger with the requestId', () => {
      log.filterFailed(new RangeError('original'), new TypeError(`bad ${JWT}`), 'req-4');
      expect(nestCalls()).toBe(0);
      expect(sink.lines).toHaveLength(1);
      expect(sink.lines[0]).toEqual(
        expect.objectContaining({
          level: 50,
          msg: 'exception filter failed',
          requestId: 'req-4',
          originalType: 'RangeError',
          err: expect.objectContaining({ type: 'TypeError', message: `bad ${R}` }),
        }),
      );
    });
  });
});
