import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { AppModule } from './app.module';
import { parseByteSize, type SampleConfig } from './sample.config';

type CreateOptions = { logger?: LoggerService | false; logDestination?: DestinationStream };

/**
 * Creates the sample app (not listening), configured as in production, on Express or on Fastify
 * (`config.httpAdapter`); used by main.ts and tests.
 */
export async function createSampleApp(
  config: SampleConfig,
  options: CreateOptions = {},
): Promise<INestApplication> {
  const app =
    config.httpAdapter === 'fastify'
      ? await createOnFastify(config, options)
      : await createOnExpress(config, options);
  // How long an idle keep-alive connection stays open (KEEP_ALIVE_TIMEOUT_MS). The headers timeout
  // must stay above it, or a request sent on a connection about to time out can be cut off.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  if (config.keepAliveTimeoutMs > 0) {
    server.headersTimeout = Math.max(server.headersTimeout, config.keepAliveTimeoutMs + 1000);
  }
  return app;
}

function nestOptions(options: CreateOptions) {
  return {
    abortOnError: false,
    // Start-up lines wait for Faultline's pino logger, which takes over Nest's Logger on init.
    bufferLogs: options.logger === undefined,
    logger: options.logger,
  };
}

async function createOnExpress(config: SampleConfig, options: CreateOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.logDestination),
    { ...nestOptions(options), bodyParser: false },
  );
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: true });
  return app;
}

async function createOnFastify(config: SampleConfig, options: CreateOptions): Promise<INestApplication> {
  // Loaded only here: @nestjs/platform-fastify is needed only when HTTP_ADAPTER=fastify.
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  // Nest's error handler, reached through the instance once it exists.
  const errors: { handle?: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void } = {};
  const fastifyOptions: FastifyServerOptions = {
    // A hop count as a function, the way Express compiles it: newer Fastify types (5.12) take no
    // number, and reading one as "trust no proxy" would drop X-Forwarded-For silently.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    bodyLimit: parseByteSize(config.bodyLimit),
    // Path parameters as long as Express takes them (Fastify answers 414 past 100 characters).
    routerOptions: { maxParamLength: 8192 },
    // Fastify answers a URL it cannot decode itself, before any hook or middleware; handed to
    // the error handler (Nest's, and so Faultline's filter), it gets a problem body, a request id
    // and a log line like every other failure.
    frameworkErrors: (error, request, reply) =>
      errors.handle?.(error, request as FastifyRequest, reply as FastifyReply),
  };
  const adapter = new FastifyAdapter(fastifyOptions);
  const instance = adapter.getInstance();
  // Read when a request comes: Nest sets its error handler during init.
  errors.handle = (error, request, reply) => instance.errorHandler.call(instance, error, request, reply);
  // Nest's JSON and urlencoded parsers (on by default) use Fastify's bodyLimit.
  return NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.logDestination),
    adapter,
    nestOptions(options),
  );
}
