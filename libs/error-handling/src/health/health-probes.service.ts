import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import {
  DiskHealthIndicator,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  MemoryHealthIndicator,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AuditStore } from '../audit/audit-store.interface';
import { FaultlineConfigError } from '../errors/faultline-config.error';
import { RESOLVED_OPTIONS } from '../faultline.internal-constants';
import { type LoggedRequest, REQUEST_FAILURE } from '../logging/request-context';
import { Redactor } from '../redaction/redactor';
import type { ResolvedOptions } from '../resolve-options';
import type { RedisPingable, SqlPingable } from './health.options';
import { HEALTH_RUNTIME } from './health.internal-constants';
import { probeBody } from './probe-body';
import { ReadinessChecks } from './readiness-checks';
import { Readiness } from './readiness.service';
import { openRedis } from './redis-client';
import type { ResolvedHealth } from './resolve-health-options';

/**
 * A 503 from `/ready` is an answer, not a failure: its request line is a `warn` with the reason
 * (the same way the filter marks an expected failure), not an `error` for a 5xx.
 */
function notReady(req: LoggedRequest, reason: string): void {
  req[REQUEST_FAILURE] = {
    exception: new NotReady(`not ready: ${reason}`),
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    expected: true,
    level: 'warn',
  };
}

/** What a 503 readiness answer's request line shows as its `err`. */
class NotReady extends Error {}

interface ProbeResult {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Serves `GET /health` and `GET /ready` straight on the HTTP adapter: no guard, interceptor or
 * pipe of the application stands between a probe and its answer, and the probes work on
 * Express and Fastify alike.
 */
@Injectable()
export class HealthProbes implements OnModuleInit, OnApplicationShutdown {
  private checks: ReadinessChecks | undefined;
  private ownRedis: { quit(): Promise<unknown>; disconnect(): void } | undefined;

  constructor(
    @Inject(HEALTH_RUNTIME) private readonly health: ResolvedHealth | false,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
    private readonly readiness: Readiness,
    private readonly redactor: Redactor,
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    @Optional() private readonly terminus?: HealthCheckService,
    @Optional() private readonly indicators?: HealthIndicatorService,
    @Optional() private readonly memory?: MemoryHealthIndicator,
    @Optional() private readonly disk?: DiskHealthIndicator,
    @Optional() @Inject(AuditStore) private readonly auditStore?: AuditStore | null,
  ) {}

  async onModuleInit(): Promise<void> {
    const health = this.health;
    const adapter = this.adapterHost.httpAdapter;
    if (!health || !adapter || !this.terminus || !this.indicators || !this.memory || !this.disk) return;
    let database: SqlPingable | undefined;
    if (health.database) database = health.database.executor;
    else if (health.database === undefined && this.auditStore?.ping) {
      const store = this.auditStore;
      database = { query: () => store.ping!() };
    }
    let redis: RedisPingable | undefined = health.redis?.client;
    if (health.redis?.url) {
      const client = openRedis(health.redis.url, health.redis.timeoutMs);
      this.ownRedis = client;
      redis = client;
    }
    this.checks = new ReadinessChecks(health, {
      indicators: this.indicators,
      memory: this.memory,
      disk: this.disk,
      typeorm: health.database && health.database.typeorm ? await this.typeorm() : undefined,
      database,
      redis,
      clock: this.options.clock,
    });
    const reply = (res: unknown, result: ProbeResult) => {
      adapter.setHeader(res, 'Cache-Control', 'no-store');
      adapter.reply(res, result.body, result.status);
    };
    adapter.get(health.livenessPath, (_req: unknown, res: unknown) =>
      reply(res, { status: 200, body: { status: 'ok' } }),
    );
    adapter.get(health.readinessPath, (req: LoggedRequest, res: unknown) => {
      this.ready().then(
        (result) => {
          if (result.status !== 200) notReady(req, this.readiness.notReadyReason());
          reply(res, result);
        },
        () => {
          notReady(req, 'the checks failed to run');
          reply(res, { status: 503, body: { status: 'error' } });
        },
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.checks?.stop();
    if (this.ownRedis) await this.ownRedis.quit().catch(() => this.ownRedis?.disconnect());
  }

  /** Runs the readiness checks; 503 before start-up has finished, on shutdown, and when one fails. */
  async ready(): Promise<ProbeResult> {
    if (this.readiness.shuttingDown) return { status: 503, body: { status: 'shutting_down' } };
    let result: HealthCheckResult;
    try {
      result = await this.terminus!.check(this.checks?.functions ?? []);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      result = err.getResponse() as HealthCheckResult;
    }
    const failing = Object.keys(result.error ?? {});
    this.readiness.reportChecks(failing);
    const body = probeBody(result, this.options.debug, this.redactor);
    if (this.readiness.isReady()) return { status: 200, body };
    // Checks that pass do not make an instance ready that is starting or stopping.
    if (failing.length === 0) body.status = this.readiness.shuttingDown ? 'shutting_down' : 'starting';
    return { status: 503, body };
  }

  private async typeorm(): Promise<TypeOrmHealthIndicator> {
    try {
      return await this.moduleRef.resolve(TypeOrmHealthIndicator, undefined, { strict: false });
    } catch (err) {
      throw new FaultlineConfigError(
        'health.database.typeorm',
        'needs @nestjs/typeorm and typeorm with a TypeORM data source in the application',
        `Install them and import TypeOrmModule, or pass health.database.executor (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  }
}
