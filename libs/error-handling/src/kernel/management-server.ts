import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultlineConfigError } from './faultline-config.error';
import type { ManagementEndpoint } from './management.options';
import { type OpsAnswer, problemAnswer } from './ops-endpoint';
import type { ManagementSettings, ResolvedManagement } from './resolve-management-options';
import { RESOLVED_OPTIONS } from './tokens';

/** What a route of the management server runs: the endpoint's admission checks and answer. */
type Route = (req: IncomingMessage) => Promise<OpsAnswer>;

/**
 * The management server (`management` option): a plain `node:http` server, the same on Express
 * and Fastify, that serves the probes and the metrics apart from the application's port. It
 * starts listening when the application bootstraps (a port it cannot take stops start-up, naming
 * `management.port`), and closes at application shutdown, which comes after the drain: `/ready`
 * answers 503 on it while requests in flight finish. It serves the paths Faultline's features
 * registered and answers anything else with a 404 problem body. Requests to it are not the
 * application's traffic: they have no request line, are not counted in `http_requests_total`
 * and the shutdown drain does not wait for them.
 *
 * @example
 * // With management: { port: 0 } in a test: where it listens.
 * const { port } = app.get(ManagementServer).address()!;
 * await fetch(`http://127.0.0.1:${port}/ready`);
 */
@Injectable()
export class ManagementServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ManagementServer');
  private readonly settings: ResolvedManagement | false;
  private readonly routes = new Map<string, { route: Route; option: string }>();
  private server: Server | undefined;

  constructor(@Inject(RESOLVED_OPTIONS) options: ManagementSettings) {
    this.settings = options.management ?? false;
  }

  /** True when `endpoint` is served here rather than on the application's port. */
  serves(endpoint: ManagementEndpoint): boolean {
    return this.settings !== false && this.settings.endpoints.includes(endpoint);
  }

  /**
   * Where the server listens (the port chosen when `management.port` is 0); `undefined` when
   * there is no management server, before it listens and once it has closed.
   */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  /**
   * Serves GET (and HEAD) `path` with `route`. Used by Faultline's features while the
   * application initialises; `option` (the option that set the path) is named when two
   * endpoints take the same path.
   */
  route(path: string, option: string, route: Route): void {
    const taken = this.routes.get(path);
    if (taken) {
      throw new FaultlineConfigError(
        option,
        `is ${JSON.stringify(path)}, which ${taken.option} serves on the management server already`,
        'Give each endpoint a path of its own',
      );
    }
    this.routes.set(path, { route, option });
  }

  async onApplicationBootstrap(): Promise<void> {
    const settings = this.settings;
    if (!settings) return;
    if (this.routes.size === 0) {
      this.logger.warn(
        `management.port is set, but ${settings.endpoints.join(' and ')} ${settings.endpoints.length > 1 ? 'are' : 'is'} off: ` +
          'the management server does not start',
      );
      return;
    }
    const server = createServer((req, res) => this.handle(req, res));
    await listen(server, settings);
    this.server = server;
    const address = this.address();
    this.logger.log(
      `management server listening on ${address ? urlOf(address) : String(settings.port)} ` +
        `(${[...this.routes.keys()].join(', ')})`,
    );
  }

  /** Closes the server; Nest runs this after the drain and after the application's server closed. */
  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // The application has stopped serving: a probe or scrape still open is cut, not awaited.
      server.closeAllConnections();
    });
    this.logger.log('management server closed');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const entry = this.routes.get(q === -1 ? url : url.slice(0, q));
    const head = req.method === 'HEAD';
    if (!entry) {
      const detail = 'The management server serves the probes and the metrics only.';
      write(
        res,
        problemAnswer(undefined, { status: 404, code: 'NOT_FOUND', title: 'Not Found', detail }),
        head,
      );
      return;
    }
    if (req.method !== 'GET' && !head) {
      const answer = problemAnswer(
        undefined,
        { status: 405, code: 'METHOD_NOT_ALLOWED', title: 'Method Not Allowed', detail: 'Use GET.' },
        { Allow: 'GET, HEAD' },
      );
      write(res, answer, false);
      return;
    }
    entry.route(req).then(
      (answer) => write(res, answer, head),
      () => write(res, { status: 500, body: { status: 'error' } }, head),
    );
  }
}

/** Listens, turning a port or address it cannot take into a start-up error naming the option. */
function listen(server: Server, settings: ResolvedManagement): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(bindError(error, settings));
    server.once('error', failed);
    server.listen({ port: settings.port, host: settings.host }, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function bindError(error: NodeJS.ErrnoException, settings: ResolvedManagement): FaultlineConfigError {
  const where = `${settings.host ?? 'every interface'}, port ${settings.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new FaultlineConfigError(
        'management.port',
        `${settings.port} is in use: the management server could not listen on ${where}`,
        'Choose a free port (not the application port either), or stop what listens there',
      );
    case 'EACCES':
      return new FaultlineConfigError(
        'management.port',
        `${settings.port} may not be opened by this process (${where})`,
        'Ports below 1024 need privileges: choose one above 1024',
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new FaultlineConfigError(
        'management.host',
        `${JSON.stringify(settings.host)} is not an address of this machine (${error.code})`,
        'Leave it unset for every interface, or use 127.0.0.1 or another address of this machine',
      );
    default:
      return new FaultlineConfigError(
        'management.port',
        `could not be listened on (${where}): ${error.code ?? error.message}`,
      );
  }
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function write(res: ServerResponse, answer: OpsAnswer, head: boolean): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json; charset=utf-8',
    ...answer.headers,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
  };
  res.writeHead(answer.status, headers);
  res.end(head ? undefined : text);
}
