import { RequestScope, currentRequestScope, runInRequestScope } from './request-scope';

describe('request scope', () => {
  const request = <T>(work: () => Promise<T>): Promise<T> => runInRequestScope(new RequestScope(), work);

  it('is found anywhere in the request, across awaits and timers, and is one object per request', async () => {
    const seen = await request(async () => {
      const first = currentRequestScope();
      await new Promise((r) => setImmediate(r));
      await Promise.resolve();
      return [first, currentRequestScope()];
    });
    expect(seen[0]).toBeInstanceOf(RequestScope);
    expect(seen[1]).toBe(seen[0]);
  });

  it('gives concurrent requests scopes of their own', async () => {
    const [a, b] = await Promise.all([
      request(async () => {
        await new Promise((r) => setImmediate(r));
        return currentRequestScope();
      }),
      request(async () => currentRequestScope()),
    ]);
    expect(a).toBeInstanceOf(RequestScope);
    expect(b).toBeInstanceOf(RequestScope);
    expect(a).not.toBe(b);
  });

  it('returns what the function returns', () => {
    const scope = new RequestScope('r-1');
    expect(runInRequestScope(scope, () => [7, currentRequestScope()])).toEqual([7, scope]);
  });

  it('is absent outside a request', () => {
    expect(currentRequestScope()).toBeUndefined();
  });
});
