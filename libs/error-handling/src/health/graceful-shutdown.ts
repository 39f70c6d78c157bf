import { type INestApplication, Logger } from '@nestjs/common';
import { type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readiness } from './readiness.service';

/** Options of {@link enableGracefulShutdown}. */
export interface GracefulShutdownOptions {
  /**
   * Signals that start the shutdown.
   * @default ['SIGTERM', 'SIGINT']
   */
  signals?: NodeJS.Signals[];
  /**
   * Exit the process when done: 0 after a clean shutdown, 1 when closing failed.
   * @default true
   */
  exit?: boolean;
  /**
   * Overrides `health.shutdownGraceMs`: how long in-flight requests may take to finish.
   * @default the module's health.shutdownGraceMs (10000)
   */
  graceMs?: number;
}

/**
 * Shuts the application down the way an orchestrator expects, on SIGTERM (and SIGINT):
 * 1. `/ready` answers 503 at once, while `/health` stays 200 and the server keeps serving;
 * 2. requests in flight finish, for at most `health.shutdownGraceMs`; their responses, and those
 *    of requests that arrive meanwhile, close their connection (`Connection: close`, so a client
 *    sends its next request elsewhere instead of to a server about to go), and idle keep-alive
 *    connections are closed, so none holds the process open;
 * 3. `app.close()` runs: the HTTP server closes, then the shutdown hooks (the audit queue is
 *    flushed to its store before the application's connections close);
 * 4. the process exits with 0 (1 if closing failed).
 *
 * Returns the shutdown function, also callable directly (it runs once).
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * enableGracefulShutdown(app);
 * await app.listen(3000);
 */
export function enableGracefulShutdown(
  app: INestApplication,
  options: GracefulShutdownOptions = {},
): () => Promise<void> {
  const logger = new Logger('Shutdown');
  const exit = options.exit ?? true;
  const server = app.getHttpServer() as Server | undefined;
  const connections = trackConnections(server);
  let running: Promise<void> | undefined;
  const shutdown = (signal?: string): Promise<void> => {
    running ??= (async () => {
      logger.log(`${signal ?? 'shutdown'} received: draining`);
      // Answers close their connection from now on, those of requests in flight too unless their
      // headers are out already: clients reconnect elsewhere.
      connections.closeAfterResponses();
      const readiness = app.get(Readiness, { strict: false });
      const drained = await readiness.drain(options.graceMs);
      if (!drained) {
        logger.warn(`${readiness.inFlight} request(s) still in flight after the grace period: closing them`);
        server?.closeAllConnections?.();
      }
      server?.closeIdleConnections?.();
      await app.close();
      logger.log('shut down');
    })();
    return running;
  };
  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as const)) {
    process.once(signal, () => {
      shutdown(signal).then(
        () => {
          if (exit) process.exit(0);
        },
        (err: unknown) => {
          logger.error('shutdown failed', err instanceof Error ? err.stack : String(err));
          if (exit) process.exit(1);
        },
      );
    });
  }
  return () => shutdown();
}

/** The response to the last request read on a connection (set on its socket). */
const LAST_RESPONSE = Symbol('faultline.lastResponse');

type TrackedSocket = Socket & { [LAST_RESPONSE]?: ServerResponse };

/** The server's open connections, and how to close each after its answers. */
interface Connections {
  /**
   * Sends `Connection: close` with the answer to the last request read on each connection (so it
   * closes after that one, and the answers queued before it on a pipelined connection are still
   * sent), and with every answer to come.
   */
  closeAfterResponses(): void;
}

/**
 * The server's open connections, kept from now on (one entry and one listener a connection), each
 * with the response to the last request read on it, by one `request` listener that also marks the
 * responses to requests read once the connections are closing.
 */
function trackConnections(server: Server | undefined): Connections {
  const open = new Set<TrackedSocket>();
  let closing = false;
  const connections: Connections = {
    closeAfterResponses: () => {
      closing = true;
      for (const socket of open) closesConnection(socket[LAST_RESPONSE]);
    },
  };
  if (typeof server?.on !== 'function') return connections;
  const track = (socket: TrackedSocket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  server.on('connection', track);
  // HTTPS: the requests are on the TLS socket, not on the TCP one under it.
  server.on('secureConnection', track);
  // First of the listeners: a response the application sends at once still gets the header.
  server.prependListener('request', (req: IncomingMessage, res: unknown) => {
    if (closing) closesConnection(res);
    // HTTP/1 only: an HTTP/2 stream has no connection of its own to close.
    if (res instanceof ServerResponse) (req.socket as TrackedSocket)[LAST_RESPONSE] = res;
  });
  return connections;
}

/** Sends `Connection: close` with a response whose headers are not out yet. */
function closesConnection(res: unknown): void {
  const response = res as Partial<ServerResponse> | null | undefined;
  if (!response || response.headersSent !== false || typeof response.setHeader !== 'function') return;
  response.setHeader('Connection', 'close');
}
