import 'reflect-metadata';
import { Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import { BenchGraphqlModule } from './graphql-routes';
import { port } from './routes';

// A GraphQL service as teams run it today: nestjs-pino's request logging and Apollo's default
// error handling (Nest's resolver exceptions reach Apollo as they are).
@Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'info' } }), BenchGraphqlModule] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port(), '127.0.0.1');
}
void main();
