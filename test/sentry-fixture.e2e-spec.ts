import { Controller, Get, HttpException, NotFoundException, Query, Req } from '@nestjs/common';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { startSentryReceiver, type SentryReceiver } from './support/sentry-receiver';

class MaintenanceError extends Error {}

@Controller()
class SentryFixtureController {
  @Get('upstream')
  upstream(@Req() req: { user?: unknown }): never {
    req.user = { id: 'u-7' };
    throw new HttpException('upstream answered garbage', 502);
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such thing');
  }

  @Get('maintenance')
  maintenance(): never {
    throw Object.assign(new MaintenanceError('down for maintenance'), { status: 503 });
  }

  @Get('typo')
  typo(@Query('what') what = 'x'): never {
    throw new TypeError(`${what} is not a function`);
  }
}

// Sentry initialises process-globally: this file is the only in-process user of a DSN.
describe('Sentry capture policy (fixture app, DSN given to the module)', () => {
  let sentry: SentryReceiver;
  let fixture: FixtureApp;

  beforeAll(async () => {
    sentry = await startSentryReceiver('7');
    fixture = await startFixture([SentryFixtureController], {
      sentry: { dsn: sentry.dsn, environment: 'fixture' },
      expectedErrors: [MaintenanceError],
    });
  });

  /**
   * Sends a request whose TypeError is captured, with `requestId`, and waits for its event. Events
   * are sent in the order they were captured: once this one has arrived, every event captured
   * before it has too. Returns every event. Each marker's message is its own: Sentry drops an event
   * that repeats the one before it.
   */
  const untilMarker = async (requestId: string) => {
    await fixture.http().get(`/typo?what=${requestId}`).set('x-request-id', requestId).expect(500);
    return sentry.waitForEvent((e) => (e.tags as { requestId?: string }).requestId === requestId);
  };

  afterAll(async () => {
    await fixture.close();
    const sdk = (await import('@sentry/nestjs')) as { close(timeout?: number): Promise<boolean> };
    await sdk.close(1000);
    await sentry.close();
  });

  it('captures a 5xx HttpException once, tagged with code, requestId and userId', async () => {
    // A UUID whose digits the card-number detector takes for a card: the tag keeps it.
    const requestId = 'e4d24685-9e42-4f96-b409-455917660972';
    const res = await fixture.http().get('/upstream').set('x-request-id', requestId).expect(502);
    expect(res.headers['x-request-id']).toBe(requestId);
    const [event] = await sentry.waitForEvents(1);
    expect(event).toMatchObject({
      environment: 'fixture',
      tags: { code: 'BAD_GATEWAY', requestId, userId: 'u-7' },
      user: { id: 'u-7' },
    });
    const line = await fixture.pino.request(requestId);
    expect(line.find((l) => l.msg === 'request failed')).toMatchObject({ sentryEventId: event.event_id });
    // Once: a later request's event arrives right after it.
    const events = await untilMarker('sentry-marker-1');
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual(event);
    expect((events[1].tags as { requestId: string }).requestId).toBe('sentry-marker-1');
  });

  it('does not capture 404s or errors listed in expectedErrors', async () => {
    const before = sentry.events().length;
    for (let i = 0; i < 10; i++) await fixture.http().get('/missing').expect(404);
    await fixture.http().get('/nowhere').expect(404);
    await fixture.http().get('/maintenance').expect(500);
    // A different unexpected error afterwards arrives alone: nothing before it was sent.
    const events = await untilMarker('sentry-marker-2');
    expect(events).toHaveLength(before + 1);
    expect((events[before].exception as { values: { type: string }[] }).values[0].type).toBe('TypeError');
    expect((events[before].tags as { requestId: string }).requestId).toBe('sentry-marker-2');
  });
});
