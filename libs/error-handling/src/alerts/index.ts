export type { Alert, AlertContext, AlertKind, AlertMessage, AlertSeverity } from './alert.interface';
export { AlertChannel } from './alert-channel.interface';
export type { AlertChannelStats } from './alert-dispatcher';
export { AlertService } from './alert.service';
export type { AlertStats } from './alert-metrics';
export type { HeldBackCount } from './budget-store.interface';
export type {
  AlertBudgetOptions,
  AlertChannelBudgetOptions,
  AlertsOptions,
  AlertRedisOptions,
  ErrorRateOptions,
  JobFailureRateOptions,
  SseErrorRateOptions,
} from './alerts.options';
export { EmailChannel, type EmailChannelOptions, type MailTransport } from './email.channel';
export { InMemoryThrottleStore } from './in-memory-throttle.store';
export { RedisThrottleStore, type RedisEvalClient } from './redis-throttle.store';
export { SlackChannel, type SlackChannelOptions } from './slack.channel';
export { ThrottleStore, type ThrottleHit } from './throttle-store.interface';
export { WEBHOOK_SIGNATURE_HEADER, WebhookChannel, type WebhookChannelOptions } from './webhook.channel';
