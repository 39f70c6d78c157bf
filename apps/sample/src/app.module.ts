import { type DynamicModule, Module } from '@nestjs/common';
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
  static forRoot(config: SampleConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ErrorHandlingModule.forRoot({ debug: config.debug }),
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
