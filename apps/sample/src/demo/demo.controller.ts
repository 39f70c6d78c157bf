import { Controller, Get, HttpCode, Inject, Logger, Post, Query, Res } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqlClient } from '../database/sql-client.interface';
import { NotificationPurge } from '../notifications/notification-purge.job';

const MAX_SLOW_MS = 30_000;

/** Fault routes that show how each kind of failure is answered. Mounted only with DEMO_FAULTS=1. */
@Controller('demo')
export class DemoController {
  private readonly logger = new Logger('Demo');

  constructor(
    @Inject(SqlClient) private readonly sql: SqlClient,
    private readonly purge: NotificationPurge,
  ) {}

  /**
   * Runs the purge job now; with `fail=1` it fails as a bug would. The job's outcome is the
   * answer: its failure is the job's (logged `job failed`, counted, alerted), not this request's.
   */
  @Post('job')
  @HttpCode(200)
  async job(@Query('fail') fail?: string): Promise<{ job: string; outcome: 'succeeded' | 'failed' }> {
    const outcome = await this.purge.run(fail === '1').then(
      () => 'succeeded' as const,
      () => 'failed' as const,
    );
    return { job: NotificationPurge.JOB, outcome };
  }

  /** An unexpected Error whose message holds internals that must not reach the client. */
  @Get('boom')
  boom(): never {
    throw new Error('Kaboom: SELECT password_hash FROM users failed at /srv/app/src/secret-module.ts:42');
  }

  /** A real unique violation from the database (SQLSTATE 23505): one statement, the same key twice. */
  @Get('conflict')
  async conflict(): Promise<never> {
    const key = `demo-${randomUUID()}`;
    await this.sql.query('INSERT INTO demo_items (key) VALUES ($1), ($1)', [key]);
    throw new Error('unreachable: the insert above always violates demo_items_key_unique');
  }

  /**
   * Answers after `ms` milliseconds (at most 30 s). Logs `sleeping <ms> ms` first, so a request in
   * flight can be seen (the graceful-shutdown test waits for it before sending SIGTERM).
   */
  @Get('slow')
  async slow(@Query('ms') ms?: string): Promise<{ sleptMs: number }> {
    const wait = Math.min(Math.max(Number(ms) || 0, 0), MAX_SLOW_MS);
    this.logger.log(`sleeping ${wait} ms`);
    await sleep(wait);
    return { sleptMs: wait };
  }

  /**
   * Answers 202, then, once the answer is sent, crashes the process the way a bug outside the
   * request pipeline does: `kind=exception` throws from a callback (an uncaught exception),
   * `kind=rejection` leaves a rejected promise unhandled. Still inside the request's context, so
   * Faultline's fatal line carries its requestId; its message holds a bearer token the line, the
   * alert and the Sentry event must not show. The process then exits with code 1.
   */
  @Get('crash')
  @HttpCode(202)
  crash(
    @Query('kind') kind: string | undefined,
    @Res({ passthrough: true }) res: ServerResponse | { raw: ServerResponse },
  ): { crashing: string } {
    const how = kind === 'rejection' ? 'rejection' : 'exception';
    const error = new Error(`demo ${how}: upstream refused Authorization: Bearer demo-crash-secret-0f3a`);
    const crash = AsyncResource.bind(() => {
      if (how === 'rejection') void Promise.reject(error);
      else throw error;
    });
    // Express's response is Node's; Fastify's reply wraps it.
    ('raw' in res ? res.raw : res).once('finish', crash);
    return { crashing: how };
  }

  /** Throws a value that is not an Error. */
  @Get('throw')
  throwValue(@Query('kind') kind?: string): never {
    switch (kind) {
      case 'string':
        throw 'a thrown string with /etc/passwd in it';
      case 'null':
        throw null;
      case 'object':
        throw { statusCode: 418, message: 'an object that merely looks like an HTTP error' };
      case 'circular': {
        const value: Record<string, unknown> = { message: 'circular' };
        value.self = value;
        throw value;
      }
      case 'getter':
        throw Object.defineProperty({}, 'message', {
          enumerable: true,
          get() {
            throw new Error('getter exploded');
          },
        });
      default:
        throw new TypeError(`unknown kind: ${String(kind)}`);
    }
  }
}
