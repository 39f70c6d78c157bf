import type { HealthIndicatorFunction, HealthIndicatorResult } from './health-check.types';
import { runChecks } from './run-checks';

/** A promise to resolve from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('runChecks', () => {
  it('merges the results as Terminus does: up and degraded in info, down in error, all in details', async () => {
    const result = await runChecks([
      () => ({ database: { status: 'up' } }),
      async () => ({ redis: { status: 'down', message: 'ECONNREFUSED' } }),
      () => Promise.resolve({ cache: { status: 'degraded' }, queue: { status: 'up', depth: 3 } }),
    ]);
    expect(result).toEqual({
      status: 'error',
      info: { database: { status: 'up' }, cache: { status: 'degraded' }, queue: { status: 'up', depth: 3 } },
      error: { redis: { status: 'down', message: 'ECONNREFUSED' } },
      details: {
        database: { status: 'up' },
        cache: { status: 'degraded' },
        queue: { status: 'up', depth: 3 },
        redis: { status: 'down', message: 'ECONNREFUSED' },
      },
    });
  });

  it('is ok with every check up, degraded when one is degraded, and ok with no checks', async () => {
    expect((await runChecks([() => ({ a: { status: 'up' } })])).status).toBe('ok');
    expect(
      (await runChecks([() => ({ a: { status: 'up' } }), () => ({ b: { status: 'degraded' } })])).status,
    ).toBe('degraded');
    expect(await runChecks([])).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('runs every indicator at once, not one after another', async () => {
    const started: string[] = [];
    const gate = deferred<void>();
    const waiting =
      (name: string): HealthIndicatorFunction =>
      async () => {
        started.push(name);
        await gate.promise;
        return { [name]: { status: 'up' } };
      };
    const running = runChecks([waiting('a'), waiting('b'), waiting('c')]);
    // Each indicator is called before any of them has answered.
    expect(started).toEqual(['a', 'b', 'c']);
    gate.resolve();
    expect((await running).status).toBe('ok');
  });

  it('takes a thenable, and a function answering one (Terminus 12 HealthCheckAttempt)', async () => {
    const attempt: PromiseLike<HealthIndicatorResult> = {
      then: (ok, fail) => Promise.resolve({ attempt: { status: 'up' as const } }).then(ok, fail),
    };
    const result = await runChecks([attempt, () => attempt]);
    expect(result.details).toEqual({ attempt: { status: 'up' } });
  });

  it("makes a throw down under a HealthCheckError-like error's causes, else under indicators[i], and runs the rest", async () => {
    const legacy = Object.assign(new Error('payments failed'), {
      causes: { payments: { status: 'down', message: 'timeout' }, junk: 'not a result' },
    });
    const result = await runChecks([
      () => {
        throw legacy;
      },
      () => Promise.reject(new Error('connect ECONNREFUSED')),
      () => ({ fine: { status: 'up' } }),
    ]);
    expect(result.status).toBe('error');
    expect(result.error).toEqual({
      payments: { status: 'down', message: 'timeout' },
      'indicators[1]': { status: 'down', message: 'connect ECONNREFUSED' },
    });
    expect(result.info).toEqual({ fine: { status: 'up' } });
  });

  it('makes an answer that is not a result down, and leaves out a check of an unknown status as Terminus does', async () => {
    const result = await runChecks([
      (() => undefined) as unknown as HealthIndicatorFunction,
      (() => ({ db: null })) as unknown as HealthIndicatorFunction,
      (() => ({ odd: { status: 'sideways' } })) as unknown as HealthIndicatorFunction,
    ]);
    expect(Object.keys(result.error ?? {})).toEqual(['indicators[0]', 'db']);
    expect(result.details).not.toHaveProperty('odd');
  });

  it('lets a later down win over an up of the same name in details', async () => {
    const result = await runChecks([() => ({ db: { status: 'down' } }), () => ({ db: { status: 'up' } })]);
    expect(result.details).toEqual({ db: { status: 'down' } });
    expect(result.status).toBe('error');
  });
});
