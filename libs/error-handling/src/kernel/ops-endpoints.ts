import { Inject, Injectable, RequestMethod } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { type ExtensionFaultReporter, IGNORE_EXTENSION_FAULTS, listenerName } from './extension-point';
import { nodeRequest } from './http-exchange';
import { ManagementServer } from './management-server';
import type { ManagementEndpoint } from './management.options';
import { guardRefusal, type OpsAnswer, type OpsEndpoint } from './ops-endpoint';
import { check } from './option-checks';
import { type LoggedRequest, REQUEST_FAILURE } from './request-context';
import { EXTENSION_FAULTS } from './tokens';

const JSON_UTF8 = 'application/json; charset=utf-8';

/** An entry of `setGlobalPrefix(prefix, { exclude })` as Nest keeps it. */
interface ExcludedRoute {
  requestMethod?: number;
  pathRegex?: RegExp;
}

/**
 * Serves the operational endpoints of the features (the probes, the metrics): on the management
 * server when `management.endpoints` names the feature, else straight on the application's HTTP
 * adapter, at the configured path, or under the global prefix with `useGlobalPrefix`. No guard,
 * interceptor or pipe of the application runs before them; the feature's own checks (its
 * `guard`, the metrics token) do.
 *
 * Routes are registered while the modules initialise (`onModuleInit`): after the application's
 * controllers and middleware, before Nest's not-found handler (Express) and before Fastify is
 * ready, and after `app.setGlobalPrefix()`, which main.ts calls before `init()` / `listen()`.
 */
@Injectable()
export class OpsEndpoints {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ApplicationConfig,
    private readonly management: ManagementServer,
    @Inject(EXTENSION_FAULTS) private readonly faults: ExtensionFaultReporter = IGNORE_EXTENSION_FAULTS,
  ) {}

  /** True when the endpoints of `feature` have a server: the management server or an HTTP adapter. */
  canServe(feature: ManagementEndpoint): boolean {
    return this.management.serves(feature) || this.adapterHost.httpAdapter !== undefined;
  }

  /** Serves `endpoint` where its feature belongs; nowhere when there is no server for it. */
  serve(endpoint: OpsEndpoint): void {
    const run = (req: IncomingMessage) => this.run(endpoint, req);
    if (this.management.serves(endpoint.feature)) {
      check(
        !endpoint.useGlobalPrefix,
        `${endpoint.feature}.useGlobalPrefix`,
        `does not apply on the management server (management.port), which has no global prefix, and ${endpoint.feature} is served there`,
        `Remove it, or leave '${endpoint.feature}' out of management.endpoints`,
      );
      this.management.route(endpoint.path, endpoint.option, run);
      return;
    }
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const path = endpoint.useGlobalPrefix ? this.prefixed(endpoint.path) : endpoint.path;
    adapter.get(path, (req: LoggedRequest, res: unknown) => {
      const node = nodeRequest(req);
      const reply = (answer: OpsAnswer) => {
        // On the Node request (Fastify's `request.raw`), where the request line looks for it.
        if (answer.failure) {
          node[REQUEST_FAILURE] = {
            exception: answer.failure.error,
            status: answer.status,
            code: answer.failure.code,
            expected: true,
            level: 'warn',
          };
        }
        // Serialized here: Nest's Express adapter would send an object error body as application/json.
        const json = typeof answer.body !== 'string';
        if (json) adapter.setHeader(res, 'Content-Type', JSON_UTF8);
        for (const [name, value] of Object.entries(answer.headers ?? {})) adapter.setHeader(res, name, value);
        adapter.setHeader(res, 'Cache-Control', 'no-store');
        adapter.reply(res, json ? JSON.stringify(answer.body) : answer.body, answer.status);
      };
      run(node as IncomingMessage).then(reply, () => reply({ status: 500, body: { status: 'error' } }));
    });
  }

  /** The token check, the guard, then the answer. */
  private async run(endpoint: OpsEndpoint, req: IncomingMessage): Promise<OpsAnswer> {
    const refused = await endpoint.admit?.(req);
    if (refused) return refused;
    if (endpoint.guard) {
      let allowed = false;
      try {
        allowed = (await endpoint.guard(req)) === true;
      } catch (error) {
        // A guard that fails lets nothing through, and is logged (rate-limited) for its owner.
        const id = (req as { id?: unknown }).id;
        this.faults.report({
          point: 'endpoint-guard',
          error,
          name: listenerName(endpoint.guard) ?? `${endpoint.feature}.guard`,
          requestId: typeof id === 'string' ? id : undefined,
        });
      }
      if (!allowed) return guardRefusal(req, endpoint.feature);
    }
    return endpoint.answer(req);
  }

  /**
   * `path` under the global prefix (`/api` + `/health`), the way Nest prefixes a controller's
   * routes; as it is when there is no prefix or `setGlobalPrefix`'s `exclude` names it.
   */
  private prefixed(path: string): string {
    const prefix = this.config.getGlobalPrefix().replace(/^\/+|\/+$/g, '');
    if (prefix === '') return path;
    const excluded = (this.config.getGlobalPrefixOptions().exclude ?? []) as ExcludedRoute[];
    const skips = excluded.some(
      (route) =>
        (route.requestMethod === RequestMethod.GET ||
          route.requestMethod === RequestMethod.ALL ||
          route.requestMethod === -1) &&
        route.pathRegex?.test(path) === true,
    );
    if (skips) return path;
    return path === '/' ? `/${prefix}` : `/${prefix}${path}`;
  }
}
