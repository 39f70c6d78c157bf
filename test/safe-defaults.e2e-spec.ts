import { PGlite } from '@electric-sql/pglite';
import { freshPgliteDir } from './support/pglite-dirs';
import { createHash } from 'node:crypto';
import { Controller, Get, HttpCode, NotFoundException, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  Audit,
  AuditService,
  ErrorHandlingModuleOptions,
  FailureEvents,
  Readiness,
  SecurityEventKind,
  SecurityEvents,
  type AuditEvent,
} from 'nestjs-faultline';
import { REQUEST_TAP } from '../libs/error-handling/src/logging/logging.internal-constants';
import type { RequestTap } from '../libs/error-handling/src/kernel/request-tap';
import { startHttpPeer, type HttpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { LEVEL } from './support/log-capture';
import { startSample, type SampleHarness } from './support/sample-app';

jest.setTimeout(60_000);

/** A token as a route parameter: the value detectors know it by its shape. */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZXNldC10b2tlbiJ9.c2lnbmF0dXJlLXJlc2V0LXRva2Vu';
/** A token no detector can recognise: only the name of where it came from (`token`) tells. */
const OPAQUE = 'opaque-reset-7f3c9a1b2d';

class UpstreamError extends Error {}

@Controller()
class PagesController {
  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such note');
  }

  @Get('boom')
  boom(): never {
    throw new Error('connection to pg-primary.internal:5432 refused at /srv/app/db.ts:12');
  }

  /** Headers the application sets itself (as helmet would) before the failure. */
  @Get('helmeted')
  helmeted(
    @Res({ passthrough: true }) res: Response | { header(name: string, value: string): unknown },
  ): never {
    // As helmet (Express) and @fastify/helmet (Fastify's reply) do.
    if ('setHeader' in res) res.setHeader('Content-Security-Policy', "default-src 'self'");
    else res.header('Content-Security-Policy', "default-src 'self'");
    throw new NotFoundException();
  }

  @Get('upstream')
  upstream(): never {
    throw new UpstreamError('upstream said no');
  }

  @Get('ok')
  ok() {
    return { ok: true };
  }
}

@Controller('reset')
class ResetController {
  @Post(':token')
  @HttpCode(204)
  @Audit('PASSWORD_RESET', { resource: 'reset-token', resourceId: 'params.token', capture: ['params'] })
  reset(): void {}

  @Post(':token/broken')
  @Audit('PASSWORD_RESET', { resource: 'reset-token', resourceId: 'params.token' })
  broken(): never {
    throw new Error('reset store unavailable');
  }
}

@Controller('files')
class FilesController {
  @Get(':id')
  @Audit('FILE_READ', { resource: 'file', resourceId: 'params.id' })
  read(@Param('id') id: string) {
    return { length: id.length };
  }
}

/** The page's style and the debug page's style and script (the same policy on every HTML page), by hash. */
const CSP_HTML =
  /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*' 'sha256-[A-Za-z0-9+/]+=*'; script-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/;
const CSP_TEXT = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Runs `fn` with NODE_ENV set to `value` (undefined: unset) while the module starts. */
async function withNodeEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_ENV;
  if (value === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}

describe('debug mode is off unless NODE_ENV says development or test', () => {
  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['staging', 'staging'],
    ['production', 'production'],
  ])('hides the stack, the message and the request from clients when NODE_ENV is %s', async (_label, env) => {
    const f = await withNodeEnv(env, () => startFixture([PagesController]));
    try {
      const json = await f.http().get('/boom').set('Accept', 'application/json').expect(500);
      expect(json.body).not.toHaveProperty('debug');
      expect(json.text).not.toMatch(/pg-primary|\/srv\/app|at .*\.ts/);
      const html = await f.http().get('/boom').set('Accept', 'text/html').expect(500);
      expect(html.text).not.toContain('class="debug"');
      expect(html.text).not.toContain('pg-primary');
      expect(f.logs.entries.some((e) => /debug mode/.test(e.message))).toBe(false);
    } finally {
      await f.close();
    }
  });

  it.each(['development', 'test'])('shows the debug member when NODE_ENV=%s', async (env) => {
    const f = await withNodeEnv(env, () => startFixture([PagesController]));
    try {
      const res = await f.http().get('/boom').expect(500);
      expect(res.body.debug).toMatchObject({ exception: 'Error' });
    } finally {
      await f.close();
    }
  });

  it.each([
    [undefined, 'NODE_ENV=(unset)'],
    ['staging', 'NODE_ENV=staging'],
    ['production', 'NODE_ENV=production'],
  ])('warns at start-up when debug: true is set where NODE_ENV is %s', async (env, named) => {
    const f = await withNodeEnv(env, () => startFixture([PagesController], { debug: true }));
    try {
      const warning = f.logs.entries.find((e) => e.level === 'warn' && /debug mode is on/.test(e.message));
      expect(warning?.message).toContain(named);
      expect(warning?.message).toContain('counts as production');
      const res = await f.http().get('/boom').expect(500);
      expect(res.body).toHaveProperty('debug');
    } finally {
      await f.close();
    }
  });
});

describe('security headers on error answers', () => {
  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([PagesController], { debug: false });
  });
  afterAll(() => f.close());

  it('problem+json: nosniff, and no page policy', async () => {
    const res = await f.http().get('/missing').set('Accept', 'application/json').expect(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers).not.toHaveProperty('content-security-policy');
  });

  it("HTML page: nosniff, and a policy that allows its inline style (and the debug page's) by hash and nothing else", async () => {
    const res = await f.http().get('/missing').set('Accept', 'text/html').expect(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(CSP_HTML);
    const style = /<style>([^<]*)<\/style>/.exec(res.text)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('text page: nosniff, and a policy that allows nothing', async () => {
    const res = await f.http().get('/boom').set('Accept', 'text/plain').expect(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe(CSP_TEXT);
  });

  it("keeps a Content-Security-Policy the application set itself (helmet's, say)", async () => {
    const res = await f.http().get('/helmeted').set('Accept', 'text/html').expect(404);
    expect(res.headers['content-security-policy']).toBe("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('a custom responseFormatter body gets nosniff too', async () => {
    const g = await startFixture([PagesController], {
      debug: false,
      responseFormatter: (p) => ({ message: p.detail }),
    });
    try {
      const res = await g.http().get('/missing').expect(404);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await g.close();
    }
  });
});

describe("a throw inside one of Faultline's extension points", () => {
  const MAPPER_BUG = `cannot map: token ${JWT}`;
  let f: FixtureApp;
  beforeAll(async () => {
    f = await startFixture([PagesController], {
      debug: false,
      mappers: [
        {
          type: UpstreamError,
          map: () => {
            throw new TypeError(MAPPER_BUG);
          },
        },
      ],
      audit: { security: { threshold: 1 } },
    });
  });
  afterAll(() => f.close());

  const faultLines = (point: string) => f.pino.lines.filter((l) => l.extensionPoint === point);

  it("a mapper's map(): the request still gets a safe 500, and one redacted error line names the mapper and the request", async () => {
    const res = await f.http().get('/upstream').expect(500);
    expect(res.body).toMatchObject({ code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred.' });
    const requestId = res.headers['x-request-id'];
    await f.pino.waitFor(() => faultLines('mapper').length === 1);
    expect(faultLines('mapper')[0]).toMatchObject({
      level: LEVEL.error,
      msg: 'exception mapper threw',
      context: 'Faultline',
      mapperFor: 'UpstreamError',
      requestId,
      err: { type: 'TypeError', message: 'cannot map: token [REDACTED]' },
    });
    expect(f.pino.raw.join('\n')).not.toContain(JWT);

    // Under load: one line, not one a request.
    for (let i = 0; i < 20; i++) await f.http().get('/upstream').expect(500);
    await f.pino.waitFor((lines) => lines.filter((l) => l.msg === 'request failed').length >= 21);
    expect(faultLines('mapper')).toHaveLength(1);
  });

  it('a FailureEvents subscriber: the answer is unchanged, one line with the requestId', async () => {
    const stop = f.app.get(FailureEvents).subscribe(function brokenSubscriber() {
      throw new Error('subscriber bug');
    });
    try {
      const res = await f.http().get('/missing').expect(404);
      await f.pino.waitFor(() => faultLines('failure-subscriber').length === 1);
      expect(faultLines('failure-subscriber')[0]).toMatchObject({
        level: LEVEL.error,
        msg: 'failure subscriber threw',
        listener: 'brokenSubscriber',
        requestId: res.headers['x-request-id'],
        err: { message: 'subscriber bug' },
      });
    } finally {
      stop();
    }
  });

  it('a request finish listener: the request line is still written, and one line with the requestId', async () => {
    const stop = f.app.get<string, RequestTap>(REQUEST_TAP).onFinish(function brokenObserver() {
      throw new Error('observer bug');
    });
    try {
      const res = await f.http().get('/ok').expect(200);
      const requestId = res.headers['x-request-id'] as string;
      await f.pino.request(requestId);
      await f.pino.waitFor(() => faultLines('request-finish-listener').length === 1);
      expect(faultLines('request-finish-listener')[0]).toMatchObject({
        msg: 'request finish listener threw',
        listener: 'brokenObserver',
        requestId,
      });
    } finally {
      stop();
    }
  });

  it('a Readiness listener: the others are still told, one line', async () => {
    const readiness = f.app.get(Readiness);
    const told: boolean[] = [];
    const stopBroken = readiness.onChange(function brokenPager() {
      throw new Error('pager bug');
    });
    const stop = readiness.onChange((ready) => told.push(ready));
    try {
      readiness.markStarted();
      told.length = 0;
      readiness.reportChecks(['database']);
      readiness.reportChecks([]);
      expect(told).toEqual([false, true]);
      expect(faultLines('readiness-listener')).toEqual([
        expect.objectContaining({ msg: 'readiness listener threw', listener: 'brokenPager' }),
      ]);
    } finally {
      stopBroken();
      stop();
    }
  });

  it('a suspicious-activity listener: the activity is still logged, and one line names the listener', async () => {
    const security = f.app.get(SecurityEvents);
    const stop = security.onSuspiciousActivity(function brokenTracker() {
      throw new Error('tracker bug');
    });
    try {
      security.record(SecurityEventKind.LOGIN_FAILED, { ip: '203.0.113.7' });
      security.record(SecurityEventKind.LOGIN_FAILED, { ip: '203.0.113.7' });
      await f.pino.waitFor(() => faultLines('suspicious-activity-listener').length === 1);
      expect(f.pino.lines).toContainEqual(
        expect.objectContaining({ channel: 'security', msg: 'suspicious activity', ip: '203.0.113.7' }),
      );
      expect(faultLines('suspicious-activity-listener')[0]).toMatchObject({
        level: LEVEL.error,
        msg: 'suspicious-activity listener threw',
        listener: 'brokenTracker',
      });
    } finally {
      stop();
    }
  });

  it("goes to Nest's logger with the requestId when Faultline's logging is off", async () => {
    const g = await startFixture([PagesController], {
      debug: false,
      logging: false,
      mappers: [
        {
          type: UpstreamError,
          map: () => {
            throw new TypeError(MAPPER_BUG);
          },
        },
      ],
    });
    try {
      const res = await g.http().get('/upstream').expect(500);
      const line = g.logs.entries.find(
        (e) => e.level === 'error' && e.message.includes('exception mapper threw'),
      );
      expect(line?.message).toContain(`requestId=${res.headers['x-request-id']}`);
      expect(line?.message).toContain('mapperFor=UpstreamError');
      expect(line?.message).toContain('[REDACTED]');
      expect(JSON.stringify(g.logs.entries)).not.toContain(JWT);
    } finally {
      await g.close();
    }
  });
});

describe('audit takes every field through the Redactor', () => {
  let db: PGlite;
  let webhook: HttpPeer;
  let f: FixtureApp;

  beforeAll(async () => {
    [db, webhook] = await Promise.all([PGlite.create(freshPgliteDir()), startHttpPeer()]);
    const options: ErrorHandlingModuleOptions = {
      debug: false,
      audit: { sql: { executor: db } },
      alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false },
    };
    f = await startFixture([ResetController, FilesController], options);
  });
  afterAll(async () => {
    await f?.close();
    await Promise.all([db?.close(), webhook?.close()]);
  });

  async function storedRow(requestId: string): Promise<AuditEvent> {
    const audit = f.app.get(AuditService);
    expect(await audit.flush(20_000)).toBe(true);
    const { items } = await audit.query({ limit: 100 });
    const row = items.find((e) => e.requestId === requestId);
    if (!row) throw new Error(`no stored audit row for ${requestId}: ${JSON.stringify(items)}`);
    return row;
  }

  const auditLine = (requestId: string) =>
    f.pino.waitFor((lines) => lines.some((l) => l.channel === 'audit' && l.requestId === requestId));

  it('a token in a route parameter is [REDACTED] in the stored row, the audit line, the request line and the alert', async () => {
    const res = await f.http().post(`/reset/${JWT}/broken`).expect(500);
    const requestId = res.headers['x-request-id'] as string;

    const row = await storedRow(requestId);
    expect(row).toMatchObject({ action: 'PASSWORD_RESET', outcome: 'failure', resourceId: '[REDACTED]' });
    const lines = await auditLine(requestId);
    const audit = lines.find((l) => l.channel === 'audit' && l.requestId === requestId);
    expect(audit).toMatchObject({ resourceId: '[REDACTED]', resourceType: 'reset-token' });
    await f.pino.request(requestId);
    const requestLine = f.pino.forRequest(requestId).find((l) => l.msg === 'request failed');
    expect(requestLine?.url).toBe('/reset/[REDACTED]/broken');

    const [alert] = await webhook.waitFor(1);
    expect(alert.json).toMatchObject({ kind: 'server-error', requestId, path: '/reset/[REDACTED]/broken' });

    expect(JSON.stringify(row)).not.toContain(JWT);
    expect(f.pino.raw.join('\n')).not.toContain(JWT);
    expect(alert.raw).not.toContain(JWT);
  });

  it("a token no detector knows is censored by its parameter's name, in resourceId and the captured params", async () => {
    const res = await f.http().post(`/reset/${OPAQUE}`).expect(204);
    const requestId = res.headers['x-request-id'] as string;

    const row = await storedRow(requestId);
    expect(row).toMatchObject({
      outcome: 'success',
      resourceId: '[REDACTED]',
      data: { params: { token: '[REDACTED]' } },
    });
    const lines = await auditLine(requestId);
    const audit = lines.filter((l) => l.channel === 'audit' && l.requestId === requestId);
    expect(JSON.stringify(audit)).not.toContain(OPAQUE);
    expect(JSON.stringify(row)).not.toContain(OPAQUE);
  });

  it('a resource id that looks like a secret is [REDACTED]; an ordinary one is kept', async () => {
    const secret = await f.http().get(`/files/${JWT}`).expect(200);
    const plain = await f.http().get('/files/42').expect(200);

    expect((await storedRow(secret.headers['x-request-id'] as string)).resourceId).toBe('[REDACTED]');
    expect((await storedRow(plain.headers['x-request-id'] as string)).resourceId).toBe('42');
  });

  it('a resource id given to AuditService.record() passes the Redactor too', async () => {
    const audit = f.app.get(AuditService);
    const event = audit.record({
      action: 'EXPORT_CREATED',
      resourceType: 'export',
      resourceId: `Bearer ${JWT}`,
    });
    expect(event?.resourceId).toBe('Bearer [REDACTED]');
  });
});

describe('the sample app records LOGIN_FAILED without what was typed into the username field', () => {
  let s: SampleHarness;
  beforeAll(async () => {
    s = await startSample({ debug: false });
  });
  afterAll(() => s?.close());

  async function securityEvent(requestId: string): Promise<AuditEvent | undefined> {
    const audit = s.app.get(AuditService);
    await audit.flush(20_000);
    const { items } = await audit.query({ kind: 'security', action: 'LOGIN_FAILED', limit: 100 });
    return items.find((e) => e.requestId === requestId);
  }

  it('keeps no username at all when it names no account (a password typed in the wrong field)', async () => {
    const typed = 'Correct-Horse-Battery-9';
    const res = await s.http().post('/auth/login').send({ username: typed, password: 'x' }).expect(401);
    const requestId = res.headers['x-request-id'] as string;

    const event = await securityEvent(requestId);
    expect(event).toMatchObject({ action: 'LOGIN_FAILED', outcome: 'failure', status: 401 });
    expect(event).not.toHaveProperty('actorId');
    expect(event).not.toHaveProperty('data');
    const lines = await s.logs.waitFor((all) =>
      all.some((l) => l.channel === 'security' && l.requestId === requestId),
    );
    expect(JSON.stringify(lines)).not.toContain(typed);
    expect(JSON.stringify(event)).not.toContain(typed);
  });

  it("keeps the account's id (and name) when the username names one", async () => {
    const alice = await s.login('alice');
    const me = JSON.parse(Buffer.from(alice.split('.')[1], 'base64url').toString()) as { sub: number };
    const res = await s.http().post('/auth/login').send({ username: 'alice', password: 'wrong' }).expect(401);

    const event = await securityEvent(res.headers['x-request-id'] as string);
    expect(event).toMatchObject({ actorId: String(me.sub), data: { username: 'alice' } });
  });
});
