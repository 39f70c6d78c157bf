import { Signals } from '../kernel/signals';
import { MetricSources } from '../kernel/metric-sources';
import type { HttpAdapterHost } from '@nestjs/core';
import { EventEmitter } from 'node:events';
import { RequestTap } from '../kernel/request-tap';
import { Readiness } from './readiness.service';
import { resolveHealth, type ResolvedHealth } from './resolve-health-options';
import { spyOnNestLogger } from '../logging/nest-logger.testing';
import { ManualClock } from '../kernel/manual-clock.testing';

function setup(health: ResolvedHealth | false = resolveHealth({}) as ResolvedHealth) {
  const tap = new RequestTap();
  const server = Object.assign(new EventEmitter(), { listening: false });
  const host = { httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost;
  const clock = new ManualClock();
  const readiness = new Readiness(health, tap, host, new MetricSources(), new Signals(), clock);
  const changes: [boolean, string][] = [];
  readiness.onChange((ready, reason) => changes.push([ready, reason]));
  return { tap, server, readiness, changes, clock };
}

describe('Readiness', () => {
  const logger = spyOnNestLogger();

  it('is not ready before the HTTP server listens, even after bootstrap', () => {
    const { server, readiness, changes } = setup();
    readiness.onApplicationBootstrap();
    expect(readiness.isReady()).toBe(false);
    expect(readiness.notReadyReason()).toBe('starting');
    server.listening = true;
    server.emit('listening');
    expect(readiness.isReady()).toBe(true);
    expect(changes).toEqual([[true, '']]);
  });

  it('tells each change once, however often the same checks fail', () => {
    const { readiness, changes } = setup();
    readiness.markStarted();
    readiness.reportChecks(['database']);
    readiness.reportChecks(['database']);
    readiness.reportChecks(['database', 'redis']);
    readiness.reportChecks([]);
    readiness.reportChecks([]);
    expect(changes).toEqual([
      [true, ''],
      [false, 'failing: database'],
      [true, ''],
    ]);
    expect(logger.warn.mock.calls.map((c) => c[0])).toEqual(['readiness turned false: failing: database']);
    expect(logger.log.mock.calls.map((c) => c[0])).toEqual([
      'readiness turned true',
      'readiness turned true',
    ]);
  });

  it('stops telling a listener once it unsubscribes, and survives a listener that throws', () => {
    const { readiness } = setup();
    const heard: boolean[] = [];
    readiness.onChange(() => {
      throw new Error('listener bug');
    });
    const off = readiness.onChange((ready) => heard.push(ready));
    readiness.markStarted();
    off();
    readiness.reportChecks(['redis']);
    expect(heard).toEqual([true]);
  });

  it('turns false at once on drain and waits for the requests in flight', async () => {
    const { tap, readiness, changes, clock } = setup();
    readiness.markStarted();
    readiness.reportChecks(['database']);
    tap.started();
    tap.started();
    const drained = readiness.drain(5000);
    expect(readiness.isReady()).toBe(false);
    expect(readiness.shuttingDown).toBe(true);
    let done = false;
    void drained.then(() => (done = true));
    await clock.advance(4999);
    tap.finished({}, 200, 1);
    await clock.runDue();
    // One request is still in flight, and the grace period has not run out.
    expect(done).toBe(false);
    tap.finished({}, 200, 1);
    await expect(drained).resolves.toBe(true);
    // Nothing is left waiting on the clock once the last request has finished.
    expect(clock.pending).toBe(0);
    // Shutdown is told even though a failing check had turned readiness false already.
    expect(changes.slice(-1)).toEqual([[false, 'shutting down']]);
    readiness.reportChecks([]);
    expect(readiness.isReady()).toBe(false);
  });

  it('gives up waiting after the grace period and says so', async () => {
    const { tap, readiness, clock } = setup();
    readiness.markStarted();
    tap.started();
    let outcome: boolean | undefined;
    void readiness.drain(100).then((drained) => (outcome = drained));
    await clock.advance(99);
    expect(outcome).toBeUndefined();
    await clock.advance(1);
    expect(outcome).toBe(false);
    expect(readiness.inFlight).toBe(1);
    // Drain is idempotent: a second call does not wait again.
    await expect(readiness.drain(100)).resolves.toBe(false);
  });

  it('does not wait at all when nothing is in flight', async () => {
    const { readiness, clock } = setup();
    readiness.markStarted();
    await expect(readiness.drain(10_000)).resolves.toBe(true);
    expect(clock.pending).toBe(0);
  });
});
