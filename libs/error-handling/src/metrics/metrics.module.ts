import { type DynamicModule, Module } from '@nestjs/common';
import { featureModule } from '../kernel/feature-module';
import { METRICS_RUNTIME } from './metrics.internal-constants';
import { MetricsService } from './metrics.service';

/** The Prometheus endpoint and the HTTP series: loaded unless `metrics: false`. */
@Module({})
export class MetricsModule {
  static register(kernel: DynamicModule): DynamicModule {
    return featureModule(
      MetricsModule,
      kernel,
      { feature: 'metrics', runtimeToken: METRICS_RUNTIME },
      [MetricsService],
      [MetricsService],
    );
  }
}
