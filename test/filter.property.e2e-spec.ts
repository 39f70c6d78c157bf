import { Controller, Get, HttpException } from '@nestjs/common';
import fc from 'fast-check';
import { startFixture, type FixtureApp } from './support/fixture-app';

/** What the next request's handler throws, and how. */
let next: { value: unknown; async: boolean } = { value: undefined, async: false };

@Controller()
class ThrowingController {
  @Get('throw')
  async throwIt(): Promise<never> {
    const { value, async } = next;
    if (async) await Promise.resolve();
    throw value;
  }
  @Get('ping')
  ping() {
    return { ok: true };
  }
}

const CANARY = 'CANARY7731';
const SQL = `SELECT ${CANARY}_secret FROM users WHERE password = 'hunter2'`;
const PATH = `/srv/app/src/${CANARY}/module.ts:42:7`;

/** Thrown values and the status the filter must answer with. */
type Case = { value: unknown; status: number; echoes: boolean };

const hostile: fc.Arbitrary<Case> = fc.oneof(
  fc.constant({
    value: Object.defineProperty({}, 'message', {
      get: () => {
        throw new Error(CANARY);
      },
      enumerable: true,
    }),
    status: 500,
    echoes: false,
  }),
  fc.constant({
    value: {
      toString: () => {
        throw new Error(CANARY);
      },
      toJSON: () => {
        throw new Error(CANARY);
      },
    },
    status: 500,
    echoes: false,
  }),
  fc.constant(
    (() => {
      const o: Record<string, unknown> = { message: `${CANARY} ${SQL}` };
      o.self = o;
      o.list = [o, { o }];
      return { value: o, status: 500, echoes: false };
    })(),
  ),
  fc.constant({ value: `${CANARY} ${SQL} ${PATH}`.repeat(20_000), status: 500, echoes: false }),
  fc.constant({ value: Symbol(CANARY), status: 500, echoes: false }),
  fc.constant({
    value: new Proxy(
      {},
      {
        get() {
          throw new Error(CANARY);
        },
        getPrototypeOf() {
          throw new Error(CANARY);
        },
        ownKeys() {
          throw new Error(CANARY);
        },
      },
    ),
    status: 500,
    echoes: false,
  }),
  fc.constant({
    value: new Proxy(new Error(CANARY), {
      get(t, k) {
        if (k === 'stack') throw new Error(CANARY);
        return Reflect.get(t, k);
      },
    }),
    status: 500,
    echoes: false,
  }),
  fc.constant({ value: Object.create(null) as unknown, status: 500, echoes: false }),
  fc.constant({
    value: { statusCode: 404, status: 404, message: `${CANARY} not found` },
    status: 500,
    echoes: false,
  }),
  fc
    .string()
    .map((s) => ({ value: new Error(`${CANARY} ${SQL} at ${PATH} ${s}`), status: 500, echoes: false })),
  fc.string().map((s) => ({
    value: new TypeError(`${CANARY} ${s}`, { cause: new Error(SQL) }),
    status: 500,
    echoes: false,
  })),
  fc
    .constantFrom(
      ['23505', 409],
      ['23503', 409],
      ['23502', 400],
      ['22P02', 400],
      ['23514', 400],
      ['40001', 503],
      ['40P01', 503],
      ['08006', 503],
      ['57P01', 503],
      ['42P01', 500],
    )
    .map(([code, status]) => ({
      value: Object.assign(new Error(`${CANARY} ${SQL}`), {
        code,
        severity: 'ERROR',
        detail: `Key (email)=(${CANARY}@x) already exists.`,
        constraint: 'users_email_key',
        routine: PATH,
      }),
      status: status as number,
      echoes: false,
    })),
  fc
    .integer({ min: 500, max: 599 })
    .map((status) => ({ value: new HttpException(`${CANARY} ${SQL}`, status), status, echoes: false })),
  fc
    .integer({ min: 400, max: 499 })
    .map((status) => ({ value: new HttpException(`${CANARY} message`, status), status, echoes: true })),
);

const anything: fc.Arbitrary<Case> = fc
  .anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
  })
  .map((value) => ({ value, status: 500, echoes: false }));

describe('exception filter under arbitrary thrown values (production mode)', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([ThrowingController], { debug: false });
  });
  afterAll(() => f.close());

  it('always answers a well-formed problem body with the right status and no internals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostile, anything),
        fc.boolean(),
        fc.constantFrom('application/json', 'text/html', 'text/plain'),
        async (c, async, accept) => {
          next = { value: c.value, async };
          const res = await f.http().get('/throw').set('Accept', accept);
          expect(res.status).toBe(c.status);
          const text = res.text;
          expect(text).not.toMatch(/\bat \S+ \(?\S+:\d+:\d+\)?/);
          expect(text).not.toContain('/srv/app');
          expect(text).not.toContain('hunter2');
          expect(text).not.toContain('SELECT');
          if (!c.echoes) expect(text).not.toContain(CANARY);
          if (accept === 'application/json') {
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
            const body = JSON.parse(text);
            expect(body).toEqual({
              type: 'about:blank',
              title: expect.any(String),
              status: c.status,
              detail: expect.any(String),
              instance: '/throw',
              code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
              requestId: res.headers['x-request-id'],
              ...(body.constraint ? { constraint: 'users_email_key' } : {}),
            });
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect((await f.http().get('/ping')).body).toEqual({ ok: true });
  }, 120_000);
});
