import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { faultlineEverythingOn } from './faultline';
import { BenchGraphqlModule } from './graphql-routes';
import { port } from './routes';

// The GraphQL service with Faultline, everything on as in bench/apps/faultline.ts: resolver
// failures answered, logged on the request line, counted, alerted (ALERT_WEBHOOK_URL).
@Module({ imports: [faultlineEverythingOn(), BenchGraphqlModule] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
}
void main();
