import { ManualClock } from '../kernel/manual-clock.testing';
import { Lines, runtimeInto } from '../logging/logging-runtime.testing';
import { spyOnNestLogger } from '../logging/nest-logger.testing';
import type { LoggedRequest } from '../kernel/request-context';
import { Redactor } from '../redaction/redactor';
import { EXTENSION_FAULT_WINDOW_MS, ExtensionFaults } from './extension-faults';
import { GuardedRequestTap } from './guarded-request-tap';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

function setup() {
  const redactor = new Redactor();
  const sink = new Lines();
  const clock = new ManualClock();
  const faults = new ExtensionFaults(redactor, runtimeInto(sink, redactor), clock);
  return { sink, clock, faults };
}

describe('ExtensionFaults', () => {
  const nest = spyOnNestLogger();

  it('logs a throw at error with the extension point, the mapper class, the requestId and the redacted err', () => {
    const { sink, faults } = setup();

    faults.report({
      point: 'mapper',
      error: new TypeError(`cannot map token ${JWT}`),
      requestId: 'req-1',
      name: 'AxiosError',
    });

    expect(sink.lines).toHaveLength(1);
    const [line] = sink.lines;
    expect(line).toMatchObject({
      level: 50,
      msg: 'exception mapper threw',
      context: 'Faultline',
      extensionPoint: 'mapper',
      mapperFor: 'AxiosError',
      requestId: 'req-1',
      err: { type: 'TypeError', message: 'cannot map token [REDACTED]' },
    });
    expect(line).not.toHaveProperty('suppressed');
    expect(JSON.stringify(line)).not.toContain(JWT);
  });

  it('logs the first throw of an extension, counts the rest for a minute, then logs again with the count', async () => {
    const { sink, clock, faults } = setup();
    const fail = (n: number) =>
      faults.report({ point: 'failure-subscriber', error: new Error(`bug ${n}`), name: 'onFailure' });

    for (let i = 0; i < 1000; i++) fail(i);
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).toMatchObject({ listener: 'onFailure', err: { message: 'bug 0' } });

    await clock.advance(EXTENSION_FAULT_WINDOW_MS - 1);
    fail(1000);
    expect(sink.lines).toHaveLength(1);
    await clock.advance(1);
    fail(1001);
    expect(sink.lines).toHaveLength(2);
    expect(sink.lines[1]).toMatchObject({ suppressed: 1000, err: { message: 'bug 1001' } });
  });

  it('keeps a separate budget for each extension point and each named listener', () => {
    const { sink, faults } = setup();

    faults.report({ point: 'readiness-listener', error: new Error('a') });
    faults.report({ point: 'readiness-listener', error: new Error('b'), name: 'page' });
    faults.report({ point: 'suspicious-activity-listener', error: new Error('c'), requestId: 'req-2' });
    faults.report({ point: 'request-finish-listener', error: new Error('d') });
    faults.report({ point: 'readiness-listener', error: new Error('e') });

    expect(sink.lines.map((l) => [l.msg, l.listener])).toEqual([
      ['readiness listener threw', undefined],
      ['readiness listener threw', 'page'],
      ['suspicious-activity listener threw', undefined],
      ['request finish listener threw', undefined],
    ]);
  });

  it('reports at shutdown how many throws were counted and not logged', () => {
    const { sink, faults } = setup();
    for (let i = 0; i < 5; i++) faults.report({ point: 'failure-subscriber', error: new Error('x') });

    faults.onApplicationShutdown();

    expect(sink.lines[1]).toMatchObject({
      level: 50,
      msg: 'failure subscriber threw 4 more times',
      extensionPoint: 'failure-subscriber',
      suppressed: 4,
    });
    faults.onApplicationShutdown();
    expect(sink.lines).toHaveLength(2);
  });

  it("writes through Nest's logger, escaped and redacted, when Faultline's logging is off", () => {
    const faults = new ExtensionFaults(new Redactor(), null, new ManualClock());

    faults.report({
      point: 'mapper',
      error: new Error(`forged\n[Nest] 1 - ERROR fake line ${JWT}`),
      requestId: 'req-9',
      name: 'PaymentError',
    });

    expect(nest.error).toHaveBeenCalledTimes(1);
    const [message, frames] = nest.error.mock.calls[0] as [string, string | undefined];
    expect(message).toContain(
      'exception mapper threw extensionPoint=mapper mapperFor=PaymentError requestId=req-9',
    );
    expect(message).toContain('Error: forged\\u000a[Nest] 1 - ERROR fake line [REDACTED]');
    expect(message).not.toContain('\n');
    expect(frames?.split('\n').every((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('never throws, whatever was thrown', () => {
    const { faults } = setup();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );

    expect(() => faults.report({ point: 'failure-subscriber', error: hostile })).not.toThrow();
  });
});

describe('GuardedRequestTap', () => {
  it('reports a finish listener that throws and still tells the others', () => {
    const tap = new GuardedRequestTap();
    const reported: unknown[] = [];
    tap.reportTo({ report: (fault) => reported.push(fault) });
    const heard: number[] = [];
    const bug = new Error('metrics bug');
    tap.onFinish(function observe() {
      throw bug;
    });
    const stop = tap.onFinish((_req, status) => heard.push(status));
    tap.started();

    expect(() => tap.finished({ id: 'req-3' } as LoggedRequest, 200, 5)).not.toThrow();

    expect(heard).toEqual([200]);
    expect(tap.inFlight).toBe(0);
    expect(reported).toEqual([
      { point: 'request-finish-listener', error: bug, requestId: 'req-3', name: 'observe' },
    ]);
    stop();
    tap.finished({ id: 'req-4' } as LoggedRequest, 200, 5);
    expect(heard).toEqual([200]);
  });
});
