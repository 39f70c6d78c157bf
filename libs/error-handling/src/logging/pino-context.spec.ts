import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import { RequestScope } from '../kernel/request-scope';
import { nestjsPinoCarrier } from './logging-runtime';

/**
 * The parts of nestjs-pino 5's `PinoLogger` the carrier uses, as 5.2.1 has them: a storage of
 * stores holding a logger, `logger` reading it (else the root), `runInContext(fn, { bindings })`
 * entering a new store with `root.child(bindings)`, and `assign()` replacing the store's logger
 * with a child. The e2e suite runs against the real package when Jest maps `nestjs-pino` to it.
 */
function fakeNestjsPino5(root: Logger) {
  const storage = new AsyncLocalStorage<{ logger: Logger }>();
  return class FakePinoLogger {
    constructor(_params: unknown) {}
    get logger(): Logger {
      return storage.getStore()?.logger ?? root;
    }
    runInContext<T>(fn: () => T, options: { bindings?: pino.Bindings } = {}): T {
      const logger = options.bindings ? root.child(options.bindings) : root;
      return storage.run({ logger }, fn);
    }
    assign(fields: pino.Bindings): void {
      const store = storage.getStore();
      if (!store) throw new Error('PinoLogger: unable to assign extra fields out of request scope');
      store.logger = store.logger.child(fields);
    }
  };
}

describe("request scopes on nestjs-pino 5's context", () => {
  const root = pino({ level: 'silent' });

  it('is undefined for nestjs-pino 4, which has no runInContext', () => {
    class PinoLogger4 {
      constructor(_params: unknown) {}
      get logger(): unknown {
        return root;
      }
    }
    expect(nestjsPinoCarrier(root, PinoLogger4)).toBeUndefined();
  });

  it('keeps each request its own scope, across awaits and after assign(), and none outside', async () => {
    const Fake = fakeNestjsPino5(root);
    const carrier = nestjsPinoCarrier(root, Fake);
    if (!carrier) throw new Error('a carrier for nestjs-pino 5');
    const pinoLogger = new Fake({});
    const request = (scope: RequestScope) =>
      carrier.run(scope, async () => {
        const first = carrier.current();
        await new Promise((r) => setImmediate(r));
        pinoLogger.assign({ tenant: 'acme' });
        await Promise.resolve();
        return [first, carrier.current()];
      });
    const a = new RequestScope('a');
    const b = new RequestScope('b');
    const [seenA, seenB] = await Promise.all([request(a), request(b)]);
    expect(seenA).toEqual([a, a]);
    expect(seenB).toEqual([b, b]);
    expect(carrier.current()).toBeUndefined();
    // The root nestjs-pino logs through outside a request is never given a scope.
    expect(pinoLogger.logger).toBe(root);
  });
});
