import {
  Controller,
  Get,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Audit, AuditService, type AuditEvent, FaultlineConfigError } from 'nestjs-faultline';
import { startHttpPeer } from './support/alert-peers';
import { startFixture, type FixtureApp } from './support/fixture-app';
import { MemoryAuditStore } from './support/memory-audit-store';

/** Signs the request in as `X-User` (an object without `id`, so the default reads nothing). */
class HeaderUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    req.user = { login: req.headers['x-user'], employeeNo: 42 };
    return true;
  }
}

@Controller('me')
@UseGuards(HeaderUserGuard)
class MeController {
  @Get()
  @Audit('PROFILE_READ')
  me() {
    return { ok: true };
  }

  @Get('crash')
  crash(): never {
    throw new TypeError('profile cache is corrupt');
  }
}

/** Sign-in that always fails, with no user on the request; a job-like event recorded first. */
@Controller('login')
class LoginController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  login(): never {
    this.audit.record({ action: 'LOGIN_ATTEMPT', request: {} });
    throw new UnauthorizedException();
  }
}

type WithUser = { user?: { login?: string; employeeNo?: number } };
const login = (req: unknown) => (req as WithUser).user?.login;

async function eventOf(
  f: FixtureApp,
  store: MemoryAuditStore,
  requestId: string,
): Promise<AuditEvent | undefined> {
  await f.app.get(AuditService).flush();
  return store.events.find((e) => e.requestId === requestId);
}

describe('the user option: one identity for log lines, audit, alerts and Sentry', () => {
  it('sets the userId of the request line and the actorId of the audit event', async () => {
    const store = new MemoryAuditStore();
    const f = await startFixture([MeController], { user: login, audit: { store } });
    try {
      await f.http().get('/me').set('X-User', 'ana').set('X-Request-Id', 'identity-1').expect(200);
      const [line] = await f.pino.request('identity-1');
      expect(line).toMatchObject({ msg: 'request completed', userId: 'ana' });
      expect(await eventOf(f, store, 'identity-1')).toMatchObject({ action: 'PROFILE_READ', actorId: 'ana' });
    } finally {
      await f.close();
    }
  });

  it('keeps logging.userId and audit.actor for their own feature, with a notice naming the one setting', async () => {
    const store = new MemoryAuditStore();
    const f = await startFixture([MeController], {
      user: login,
      logging: { userId: (req) => (req as WithUser).user?.employeeNo },
      audit: { store },
    });
    try {
      await f.http().get('/me').set('X-User', 'ben').set('X-Request-Id', 'identity-2').expect(200);
      const [line] = await f.pino.request('identity-2');
      expect(line).toMatchObject({ userId: 42 });
      expect(await eventOf(f, store, 'identity-2')).toMatchObject({ actorId: 'ben' });
      expect(
        f.logs.entries.filter((e) => /logging\.userId set the user of that feature only/.test(e.message)),
      ).toHaveLength(1);
    } finally {
      await f.close();
    }
  });

  it("gives alerts the user with Faultline's logging off", async () => {
    const webhook = await startHttpPeer();
    const f = await startFixture([MeController], {
      user: login,
      logging: false,
      alerts: { webhook: { url: webhook.url }, excludeEnvironments: [], errorRate: false },
    });
    try {
      await f.http().get('/me/crash').set('X-User', 'cleo').set('X-Request-Id', 'identity-3').expect(500);
      const [alert] = await webhook.waitFor(1);
      expect(alert.json).toMatchObject({ requestId: 'identity-3', userId: 'cleo' });
    } finally {
      await f.close();
      await webhook.close();
    }
  });

  it('counts a user function that throws (no user yet) as no user: every line and event is still written', async () => {
    const store = new MemoryAuditStore();
    // Written as many applications write it: it throws until a guard has set `req.user`.
    const throwing = (req: unknown) => (req as { user: { id: string } }).user.id;
    const f = await startFixture([LoginController], {
      user: throwing,
      audit: { store, security: { threshold: 2 } },
    });
    try {
      for (let i = 1; i <= 4; i++) {
        await f.http().get('/login').set('X-Request-Id', `anonymous-${i}`).expect(401);
      }
      // Past the threshold: the suspicious-activity line, written inside the request, did not throw.
      await f.pino.waitFor((lines) => lines.some((l) => l.msg === 'suspicious activity'));
      for (let i = 1; i <= 4; i++) {
        const lines = await f.pino.request(`anonymous-${i}`);
        expect(lines.find((l) => /^request /.test(String(l.msg)))).toMatchObject({ status: 401 });
        expect(lines.find((l) => l.msg === 'audit event')).toMatchObject({ action: 'LOGIN_ATTEMPT' });
        expect(lines.every((l) => l.userId === undefined)).toBe(true);
      }
      await f.app.get(AuditService).flush();
      expect(store.events.filter((e) => e.action === 'LOGIN_ATTEMPT')).toHaveLength(4);
      await f.http().get('/login').expect(401);
    } finally {
      await f.close();
    }
  });

  it('stops start-up when user is not a function, naming the option', async () => {
    const err = await startFixture([], { user: 'login' as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaultlineConfigError);
    expect((err as FaultlineConfigError).option).toBe('user');
  });
});
