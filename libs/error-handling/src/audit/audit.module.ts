import { type DynamicModule, Module } from '@nestjs/common';
import type { Clock } from '../kernel/clock';
import { featureModule } from '../kernel/feature-module';
import { SHARED_REDIS, type SharedRedis } from '../kernel/shared-redis';
import { CLOCK } from '../kernel/tokens';
import { LogChannels } from '../logging/log-channels.service';
import { Redactor } from '../redaction/redactor';
import { createSecurityCounterStore } from './create-security-counter-store';
import { AuditGuard } from './audit.guard';
import { AuditInterceptor } from './audit.interceptor';
import { AuditResolvers } from './audit-resolvers';
import { AUDIT_RUNTIME } from './audit.internal-constants';
import { AuditService } from './audit.service';
import { AuditStore } from './audit-store.interface';
import type { ResolvedAudit } from './resolve-audit-options';
import { SecurityCounterStore } from './security-counter.store';
import { SecurityEvents } from './security-events.service';

/** The audit trail and security events: loaded unless `audit: false`. */
@Module({})
export class AuditModule {
  static register(kernel: DynamicModule): DynamicModule {
    return featureModule(
      AuditModule,
      kernel,
      { feature: 'audit', runtimeToken: AUDIT_RUNTIME },
      [
        AuditService,
        SecurityEvents,
        AuditInterceptor,
        AuditGuard,
        AuditResolvers,
        // The pluggable parts in use, injectable by their tokens (null without a store).
        {
          provide: AuditStore,
          useFactory: (audit: ResolvedAudit | false) => (audit ? (audit.store ?? null) : null),
          inject: [AUDIT_RUNTIME],
        },
        {
          provide: SecurityCounterStore,
          useFactory: (
            audit: ResolvedAudit | false,
            redis: SharedRedis | null,
            clock: Clock,
            channels: LogChannels,
            redactor: Redactor,
          ) => (audit ? createSecurityCounterStore(audit.security, redis, clock, channels, redactor) : null),
          inject: [AUDIT_RUNTIME, SHARED_REDIS, CLOCK, LogChannels, Redactor],
        },
      ],
      [AuditService, SecurityEvents, AuditInterceptor, AuditGuard, AuditStore, SecurityCounterStore],
    );
  }
}
