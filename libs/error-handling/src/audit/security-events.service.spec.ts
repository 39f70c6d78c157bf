import { Signals } from '../kernel/signals';
import { MetricSources } from '../kernel/metric-sources';
import { ManualClock } from '../kernel/manual-clock.testing';
import { FailureEvents } from '../kernel/failure-events';
import { LogChannels } from '../logging/log-channels.service';
import { spyOnNestLogger } from '../logging/nest-logger.testing';
import { Redactor } from '../redaction/redactor';
import { AuditService } from './audit.service';
import { resolveAudit, type ResolvedAudit } from './resolve-audit-options';
import { SecurityEventKind } from './security-event-kind';
import { type SuspiciousActivity, SecurityEvents } from './security-events.service';

function setup(security = { threshold: 3, windowMs: 60_000 }) {
  const clock = new ManualClock();
  const options = resolveAudit({ security }, clock) as ResolvedAudit;
  const redactor = new Redactor({});
  const channels = new LogChannels(redactor);
  const failures = new FailureEvents();
  const audit = new AuditService(
    options,
    redactor,
    channels,
    failures,
    clock,
    new MetricSources(),
    new Signals(),
  );
  const events = new SecurityEvents(options, audit, channels, redactor, failures, new Signals());
  // As Nest does once every provider is built: it starts hearing failures.
  events.onModuleInit();
  const heard: SuspiciousActivity[] = [];
  events.onSuspiciousActivity((a) => heard.push(a));
  /** Records `n` events and lets the counter's promise jobs run. */
  const record = async (n: number, kind: SecurityEventKind, ip: string) => {
    for (let i = 0; i < n; i++) events.record(kind, { ip });
    await clock.runDue();
  };
  return { clock, failures, events, heard, record };
}

describe('SecurityEvents: the suspicious-activity threshold', () => {
  const logger = spyOnNestLogger();

  it('fires once per window when one ip passes the threshold for one kind', async () => {
    const { heard, record } = setup();
    await record(3, SecurityEventKind.LOGIN_FAILED, '203.0.113.7');
    expect(heard).toEqual([]);
    await record(1, SecurityEventKind.LOGIN_FAILED, '203.0.113.7');
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({
      kind: 'LOGIN_FAILED',
      ip: '203.0.113.7',
      count: 4,
      threshold: 3,
      windowMs: 60_000,
      event: { kind: 'security', action: 'LOGIN_FAILED', outcome: 'failure', ip: '203.0.113.7' },
    });
    await record(20, SecurityEventKind.LOGIN_FAILED, '203.0.113.7');
    expect(heard).toHaveLength(1);
    const warnings = logger.warn.mock.calls.filter((c) => /suspicious activity/.test(String(c[0])));
    expect(warnings).toHaveLength(1);
  });

  it('counts each ip and each kind apart', async () => {
    const { heard, record } = setup();
    await record(3, SecurityEventKind.LOGIN_FAILED, '203.0.113.7');
    await record(3, SecurityEventKind.LOGIN_FAILED, '198.51.100.1');
    await record(3, SecurityEventKind.PERMISSION_DENIED, '203.0.113.7');
    expect(heard).toEqual([]);
    await record(1, SecurityEventKind.PERMISSION_DENIED, '203.0.113.7');
    expect(heard.map((a) => [a.kind, a.ip])).toEqual([['PERMISSION_DENIED', '203.0.113.7']]);
  });

  it('fires again in a new window, and not for events spread over windows', async () => {
    const { clock, heard, record } = setup();
    await record(4, SecurityEventKind.AUTH_REQUIRED, '203.0.113.7');
    expect(heard).toHaveLength(1);
    await clock.advance(60_000);
    await record(3, SecurityEventKind.AUTH_REQUIRED, '203.0.113.7');
    await clock.advance(60_000);
    await record(3, SecurityEventKind.AUTH_REQUIRED, '203.0.113.7');
    expect(heard).toHaveLength(1);
    await record(1, SecurityEventKind.AUTH_REQUIRED, '203.0.113.7');
    expect(heard).toHaveLength(2);
  });

  it('does not count successes: many logins from one office address are not suspicious', async () => {
    const { heard, record } = setup();
    await record(50, SecurityEventKind.LOGIN_SUCCESS, '203.0.113.7');
    expect(heard).toEqual([]);
  });

  it('turns 401, 403 and 429 answers into security events that count toward the threshold', async () => {
    const { failures, heard, clock } = setup({ threshold: 1, windowMs: 1000 });
    const request = () => ({ ip: '192.0.2.9', method: 'GET', url: '/admin', headers: {} });
    for (const status of [429, 429]) {
      failures.publish({
        exception: new Error('too many'),
        request: request(),
        status,
        code: 'RATE_LIMITED',
        expected: true,
        requestId: `r-${status}`,
      });
    }
    await clock.runDue();
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({
      kind: 'RATE_LIMIT_HIT',
      ip: '192.0.2.9',
      count: 2,
      event: { action: 'RATE_LIMIT_HIT', outcome: 'failure', status: 429, errorCode: 'RATE_LIMITED' },
    });
  });
});
