import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { BenchGraphqlModule } from './graphql-routes';
import { port } from './routes';

// The same GraphQL service with Faultline, everything on as in bench/apps/faultline.ts: resolver
// failures answered, logged on the request line, counted, alerted (ALERT_WEBHOOK_URL).
const webhook = process.env.ALERT_WEBHOOK_URL;
@Module({
  imports: [
    ErrorHandlingModule.forRoot({
      logging: { format: 'json', level: 'info' },
      metrics: {},
      health: { eventLoopLag: { maxMs: 1000 } },
      alerts: webhook ? { webhook: { url: webhook } } : false,
    }),
    BenchGraphqlModule,
  ],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
}
void main();
