import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { SampleConfig } from './sample.config';

/** Creates the sample app (not listening), configured as in production; used by main.ts and tests. */
export async function createSampleApp(
  config: SampleConfig,
  options: { logger?: LoggerService | false; logDestination?: DestinationStream } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.logDestination),
    {
      bodyParser: false,
      abortOnError: false,
      // Start-up lines wait for Faultline's pino logger, which takes over Nest's Logger on init.
      bufferLogs: options.logger === undefined,
      logger: options.logger,
    },
  );
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: true });
  // How long an idle keep-alive connection stays open (KEEP_ALIVE_TIMEOUT_MS). The headers timeout
  // must stay above it, or a request sent on a connection about to time out can be cut off.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  if (config.keepAliveTimeoutMs > 0) {
    server.headersTimeout = Math.max(server.headersTimeout, config.keepAliveTimeoutMs + 1000);
  }
  return app;
}
