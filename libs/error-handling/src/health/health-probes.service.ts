import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import { RESOLVED_OPTIONS } from '../kernel/tokens';
import type { OpsAnswer } from '../kernel/ops-endpoint';
import { OpsEndpoints } from '../kernel/ops-endpoints';
import { Redactor } from '../redaction/redactor';
import type { Clock } from '../kernel/clock';
import type { RedisPingable, SqlPingable } from './health.options';
import { HEALTH_RUNTIME } from './health.internal-constants';
import { probeBody } from './probe-body';
import { ReadinessChecks } from './readiness-checks';
import { Readiness } from './readiness.service';
import { closeRedis, openRedis, pingWhenFirstConnected, type OwnRedis } from '../kernel/redis';
import type { ResolvedHealth } from './resolve-health-options';
import { runChecks } from './run-checks';
import { findTypeOrmDataSource } from './typeorm-data-source';

/**
 * A 503 from `/ready` is an answer, not a failure: its request line is a `warn` with the reason
 * (the same way the filter marks an expected failure), not an `error` for a 5xx.
 */
function notReady(answer: ProbeResult, reason: string): OpsAnswer {
  return {
    ...answer,
    failure: { error: new NotReady(`not ready: ${reason}`), code: 'SERVICE_UNAVAILABLE' },
  };
}

/** What a 503 readiness answer's request line shows as its `err`. */
class NotReady extends Error {}

interface ProbeResult {
  status: number;
  body: Record<string, unknown>;
}

const LIVE: ProbeResult = { status: 200, body: { status: 'ok' } };

/** What the probes read of the module's resolved options. */
export interface HealthProbeSettings {
  clock: Clock;
  debug: boolean;
}

/**
 * Serves `GET /health` and `GET /ready`: straight on the HTTP adapter (no guard, interceptor or
 * pipe of the application stands between a probe and its answer, and the probes work on
 * Express and Fastify alike), or on the management server.
 */
@Injectable()
export class HealthProbes implements OnModuleInit, OnApplicationShutdown {
  private checks: ReadinessChecks | undefined;
  private ownRedis: OwnRedis | undefined;

  constructor(
    @Inject(HEALTH_RUNTIME) private readonly health: ResolvedHealth | false,
    @Inject(RESOLVED_OPTIONS) private readonly options: HealthProbeSettings,
    private readonly readiness: Readiness,
    private readonly redactor: Redactor,
    private readonly endpoints: OpsEndpoints,
    private readonly moduleRef: ModuleRef,
    private readonly modules: ModulesContainer,
  ) {}

  onModuleInit(): void {
    const health = this.health;
    if (!health || !this.endpoints.canServe('health')) return;
    // Looked up first: a missing data source stops start-up before a Redis client is opened.
    const typeorm =
      health.database && health.database.typeorm
        ? findTypeOrmDataSource(this.modules, this.moduleRef)
        : undefined;
    // Served before the checks exist (no request comes before start-up ends), so that a path or
    // option the routes refuse also stops start-up before a Redis client is opened.
    const probe = {
      feature: 'health',
      useGlobalPrefix: health.useGlobalPrefix,
      guard: health.guard,
    } as const;
    this.endpoints.serve({
      ...probe,
      option: 'health.livenessPath',
      path: health.livenessPath,
      answer: () => LIVE,
    });
    this.endpoints.serve({
      ...probe,
      option: 'health.readinessPath',
      path: health.readinessPath,
      answer: () => this.readyAnswer(),
    });
    const database: SqlPingable | undefined = health.database ? health.database.executor : undefined;
    let redis: RedisPingable | undefined = health.redis?.client;
    if (health.redis?.url) {
      const client = openRedis(
        health.redis.url,
        'health.redis.url',
        'pass health.redis.client',
        health.redis.timeoutMs,
      );
      this.ownRedis = client;
      redis = pingWhenFirstConnected(client);
    }
    this.checks = new ReadinessChecks(health, {
      typeorm,
      database,
      redis,
      clock: this.options.clock,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.checks?.stop();
    if (this.ownRedis) await closeRedis(this.ownRedis);
  }

  /** Runs the readiness checks; 503 before start-up has finished, on shutdown, and when one fails. */
  async ready(): Promise<ProbeResult> {
    if (this.readiness.shuttingDown) return { status: 503, body: { status: 'shutting_down' } };
    const result = await runChecks(this.checks?.functions ?? []);
    const failing = Object.keys(result.error ?? {});
    this.readiness.reportChecks(failing);
    const body = probeBody(result, this.options.debug, this.redactor);
    if (this.readiness.isReady()) return { status: 200, body };
    // Checks that pass do not make an instance ready that is starting or stopping.
    if (failing.length === 0) body.status = this.readiness.shuttingDown ? 'shutting_down' : 'starting';
    return { status: 503, body };
  }

  /** `/ready`'s answer, a 503 carrying its reason to the request line. */
  private async readyAnswer(): Promise<OpsAnswer> {
    try {
      const result = await this.ready();
      return result.status === 200 ? result : notReady(result, this.readiness.notReadyReason());
    } catch {
      return notReady({ status: 503, body: { status: 'error' } }, 'the checks failed to run');
    }
  }
}
