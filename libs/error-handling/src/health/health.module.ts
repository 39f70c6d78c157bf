import { type DynamicModule, Module } from '@nestjs/common';
import { featureModule } from '../kernel/feature-module';
import { HealthProbes } from './health-probes.service';
import { HEALTH_RUNTIME } from './health.internal-constants';

/**
 * The liveness and readiness probes: loaded unless `health: false`. Readiness itself (and the
 * shutdown drain it runs) belongs to the kernel module, which serves it with the probes off too.
 */
@Module({})
export class HealthModule {
  static register(kernel: DynamicModule): DynamicModule {
    return featureModule(HealthModule, kernel, { feature: 'health', runtimeToken: HEALTH_RUNTIME }, [
      HealthProbes,
    ]);
  }
}
