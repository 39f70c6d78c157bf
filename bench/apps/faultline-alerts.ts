import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { BenchRoutesModule, port } from './routes';

// "Faultline (everything on)" with alerts to the webhook in ALERT_WEBHOOK_URL (none: alerts off).
const webhook = process.env.ALERT_WEBHOOK_URL;

@Module({
  imports: [
    ErrorHandlingModule.forRoot({
      logging: { format: 'json', level: 'info' },
      alerts: webhook ? { webhook: { url: webhook } } : false,
    }),
    BenchRoutesModule,
  ],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  await app.listen(port(), '127.0.0.1');
}
void main();
