import { type DynamicModule, Module } from '@nestjs/common';
import { featureModule } from '../kernel/feature-module';
import { PROCESS_ERRORS_RUNTIME } from './process-errors.internal-constants';
import { ProcessErrors } from './process-errors.service';

/** The `uncaughtException` / `unhandledRejection` hooks: loaded unless `processErrors: false`. */
@Module({})
export class ProcessErrorsModule {
  static register(kernel: DynamicModule): DynamicModule {
    return featureModule(
      ProcessErrorsModule,
      kernel,
      { feature: 'processErrors', runtimeToken: PROCESS_ERRORS_RUNTIME },
      [ProcessErrors],
    );
  }
}
