import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { DestinationStream } from 'pino';
import { type AlertsOptions, ErrorHandlingModule } from 'nestjs-faultline';
import { AuthModule } from './auth/auth.module';
import { AdminModule } from './admin/admin.module';
import { DatabaseModule } from './database/database.module';
import { SqlClient } from './database/sql-client.interface';
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
        DatabaseModule.forRoot(config),
        // Async: the audit trail is kept in the app's own database (PGlite or PostgreSQL).
        ErrorHandlingModule.forRootAsync({
          inject: [SqlClient],
          useFactory: (sql: SqlClient) => ({
            debug: config.debug,
            logging: {
              format: config.logFormat,
              level: config.logLevel,
              requestDetails: config.logRequestDetails,
              destination: logDestination,
            },
            audit: config.audit ? { sql: { executor: sql } } : false,
            // /ready checks the app's database, and Redis when REDIS_URL is set; /metrics is on.
            health: {
              database: { executor: sql },
              redis: config.redisUrl ? { url: config.redisUrl } : undefined,
              shutdownGraceMs: config.shutdownGraceMs,
            },
            // METRICS_TOKEN: scrapes send it as a bearer token.
            metrics: config.metricsToken ? { bearerToken: config.metricsToken } : undefined,
            // MANAGEMENT_PORT: the probes and the metrics move off PORT, onto a port of their own.
            management: config.managementPort === undefined ? undefined : { port: config.managementPort },
            alerts: sampleAlerts(config),
            // One Redis client for the counts every instance shares: the alert throttle and the
            // suspicious-activity counters.
            redis: config.redisUrl ? { url: config.redisUrl } : undefined,
            sentry: config.sentryDsn ? { dsn: config.sentryDsn } : {},
          }),
        }),
        // POST /graphql: code-first, the schema built in memory from the resolvers.
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
        }),
        AuthModule.forRoot(config),
        NotificationsModule,
        AdminModule,
        ...(config.demoFaults ? [DemoModule] : []),
      ],
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }],
      exports: [SAMPLE_CONFIG],
    };
  }
}

/** Alert channels from the environment: each is on when its variables are set. */
function sampleAlerts(config: SampleConfig): AlertsOptions {
  const a = config.alerts;
  return {
    service: 'notifications',
    slack: a.slackWebhookUrl ? { webhookUrl: a.slackWebhookUrl } : undefined,
    email:
      a.smtpUrl && a.emailTo
        ? { smtpUrl: a.smtpUrl, to: a.emailTo.split(',').map((s) => s.trim()), from: a.emailFrom }
        : undefined,
    webhook: a.webhookUrl ? { url: a.webhookUrl, secret: a.webhookSecret } : undefined,
  };
}
