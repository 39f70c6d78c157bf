import { type DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { ErrorHandlingModule } from 'nestjs-faultline';
import { AuthModule } from './auth/auth.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { NotificationsModule } from './notifications/notifications.module';
import type { SampleConfig } from './sample.config';
import { SAMPLE_CONFIG } from './sample.constants';

/** The sample notifications service. */
@Module({})
export class AppModule {
  /** `logDestination` sends the JSON log lines elsewhere than standard output (tests use it). */
  static forRoot(config: SampleConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ErrorHandlingModule.forRoot({
          debug: config.debug,
          logging: {
            format: config.logFormat,
            level: config.logLevel,
            requestDetails: config.logRequestDetails,
            destination: logDestination,
          },
        }),
        DatabaseModule.forRoot(config),
        AuthModule.forRoot(config),
        NotificationsModule,
        ...(config.demoFaults ? [DemoModule] : []),
      ],
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }],
      exports: [SAMPLE_CONFIG],
    };
  }
}
