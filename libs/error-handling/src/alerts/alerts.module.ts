import { type DynamicModule, Module } from '@nestjs/common';
import { featureModule } from '../kernel/feature-module';
import { AlertChannel } from './alert-channel.interface';
import { AlertService } from './alert.service';
import { ALERTS_RUNTIME } from './alerts.internal-constants';
import type { ResolvedAlerts } from './resolve-alerts-options';

/** Alerts to Slack, e-mail and webhooks: loaded unless `alerts: false`. */
@Module({})
export class AlertsModule {
  static register(kernel: DynamicModule): DynamicModule {
    return featureModule(
      AlertsModule,
      kernel,
      { feature: 'alerts', runtimeToken: ALERTS_RUNTIME },
      [
        AlertService,
        // The channels in use, injectable by their token.
        {
          provide: AlertChannel,
          useFactory: (alerts: ResolvedAlerts | false) => (alerts ? alerts.channels : []),
          inject: [ALERTS_RUNTIME],
        },
      ],
      [AlertService, AlertChannel],
    );
  }
}
