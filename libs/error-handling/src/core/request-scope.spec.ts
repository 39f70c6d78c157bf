import { AsyncLocalStorage } from 'node:async_hooks';
import { RequestScope, currentRequestScope, withRequestScope } from './request-scope';

describe('request scope', () => {
  const storage = new AsyncLocalStorage<object>();
  const request = <T>(work: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) =>
      storage.run(withRequestScope({}, storage), () => work().then(resolve, reject)),
    );

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

  it('is absent outside a request, and in a store that carries none', () => {
    expect(currentRequestScope()).toBeUndefined();
    storage.run({}, () => expect(currentRequestScope()).toBeUndefined());
  });
});
