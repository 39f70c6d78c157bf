import { type DynamicModule, Module } from '@nestjs/common';
import { featureModule } from '../kernel/feature-module';
import { SENTRY_RUNTIME } from './sentry.internal-constants';
import { SentryReporter } from './sentry.reporter';

/** Failures reported to Sentry: loaded unless `sentry: false`. */
@Module({})
export class SentryModule {
  static register(kernel: DynamicModule): DynamicModule {
    return featureModule(SentryModule, kernel, { feature: 'sentry', runtimeToken: SENTRY_RUNTIME }, [
      SentryReporter,
    ]);
  }
}
