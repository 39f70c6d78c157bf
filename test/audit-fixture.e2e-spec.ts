import type { ServerResponse } from 'node:http';
import { Controller, Get, HttpCode, Res, UseGuards, type CanActivate } from '@nestjs/common';
import type { Response } from 'express';
import {
  Audit,
  AuditService,
  AuditStore,
  type AuditEvent,
  type AuditPage,
  type AuditQuery,
  type AuditStore as AuditStoreType,
} from 'nestjs-faultline';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { sleep, waitUntil } from './support/wait';

/** A user store kept in memory; init can be made to fail. */
class MemoryStore implements AuditStoreType {
  readonly events: AuditEvent[] = [];
  initFails = false;
  async init(): Promise<void> {
    if (this.initFails) throw new Error('database is down');
  }
  async write(events: readonly AuditEvent[]): Promise<void> {
    for (const e of events) if (!this.events.some((x) => x.id === e.id)) this.events.push(e);
  }
  async query(query: AuditQuery): Promise<AuditPage> {
    return { items: this.events.filter((e) => !query.action || e.action === query.action) };
  }
}

/** The part of Fastify's reply the `raw` handler uses. */
interface FastifyReplyLike {
  raw: ServerResponse;
  status(code: number): { send(body: unknown): unknown };
  getHeader(name: string): unknown;
}

/** Request ids of the `raw` handler calls that have returned (after their response was sent). */
const rawReturned = new Set<string>();

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller('things')
@Audit('THING_ANY', { resource: 'thing' })
class ThingsController {
  @Get('both')
  @Audit('THING_BOTH')
  both() {
    return { ok: true };
  }

  @Get('class-only')
  classOnly() {
    return { ok: true };
  }

  @Get('teapot')
  @HttpCode(418)
  teapot() {
    return { brewed: false };
  }

  @Get('raw')
  @Audit('THING_RAW')
  async raw(@Res() res: Response | FastifyReplyLike) {
    // Express's response, or Fastify's reply.
    if ('json' in res) res.status(202).json({ accepted: true });
    else res.status(202).send({ accepted: true });
    await sleep(5);
    // On Fastify the id header is on the reply (sent with its headers), on Express on the response.
    rawReturned.add(String(res.getHeader('x-request-id')));
  }

  @Get('denied')
  @UseGuards(DenyGuard)
  denied() {
    return { unreachable: true };
  }
}

describe('@Audit() on a fixture app with a store of its own', () => {
  let f: FixtureApp;
  let store: MemoryStore;

  beforeAll(async () => {
    store = new MemoryStore();
    store.initFails = true;
    f = await startFixture([ThingsController], { debug: false, audit: { store } });
  });
  afterAll(() => f.close());

  /**
   * The request's events, once every event recorded for it is in the store. A later audited
   * request is the marker: its event is recorded after everything of the earlier request (whose
   * response was complete before it was sent), and flush() writes every event recorded before it
   * was called.
   */
  const recorded = async (requestId: string) => {
    const marker = await f.http().get('/things/class-only').expect(200);
    const markerId = marker.headers['x-request-id'];
    await waitUntil(
      async () => {
        const flushed = await f.app.get(AuditService).flush();
        return flushed && store.events.some((e) => e.requestId === markerId);
      },
      10_000,
      () => `the marker's audit event never reached the store; got ${JSON.stringify(store.events)}`,
    );
    return store.events.filter((e) => e.requestId === requestId);
  };

  it('starts even when the store cannot initialise, and says so in the audit channel', () => {
    expect(
      f.pino.lines.some(
        (l) => l.channel === 'audit' && l.msg === 'audit store not ready at start-up; events are queued',
      ),
    ).toBe(true);
  });

  it('records one event when both the controller and the handler are marked; the handler wins', async () => {
    const res = await f.http().get('/things/both');
    const events = await recorded(res.headers['x-request-id']);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'THING_BOTH',
        outcome: 'success',
        status: 200,
      }),
    ]);
    expect(events[0]).not.toHaveProperty('resourceType');
  });

  it("uses the controller's action for an unmarked handler", async () => {
    const res = await f.http().get('/things/class-only');
    expect(await recorded(res.headers['x-request-id'])).toEqual([
      expect.objectContaining({ action: 'THING_ANY', resourceType: 'thing', outcome: 'success' }),
    ]);
  });

  it('records an error status set without an exception as a failure', async () => {
    const res = await f.http().get('/things/teapot');
    expect(res.status).toBe(418);
    expect(await recorded(res.headers['x-request-id'])).toEqual([
      expect.objectContaining({ action: 'THING_ANY', outcome: 'failure', status: 418 }),
    ]);
  });

  it('records a handler that answers through @Res()', async () => {
    const res = await f.http().get('/things/raw');
    expect(res.status).toBe(202);
    // The handler has run to its end, after its response: whatever it leads to is recorded by now.
    await waitUntil(
      () => rawReturned.has(res.headers['x-request-id']),
      10_000,
      () => 'the raw handler never returned',
    );
    expect(await recorded(res.headers['x-request-id'])).toEqual([
      expect.objectContaining({ action: 'THING_RAW', outcome: 'success', status: 202 }),
    ]);
  });

  it('records a guard rejection once, as a failure of the action, and a PERMISSION_DENIED security event', async () => {
    const res = await f.http().get('/things/denied');
    expect(res.status).toBe(403);
    const events = await recorded(res.headers['x-request-id']);
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'audit',
          action: 'THING_ANY',
          outcome: 'failure',
          status: 403,
          errorCode: 'PERMISSION_DENIED',
        }),
        expect.objectContaining({
          kind: 'security',
          action: 'PERMISSION_DENIED',
          status: 403,
          errorCode: 'PERMISSION_DENIED',
        }),
      ]),
    );
  });

  it('makes the store in use injectable by its token', () => {
    expect(f.app.get(AuditStore)).toBe(store);
  });
});
