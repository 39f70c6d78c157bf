export type { SentryOptions, SentrySampleOptions } from './sentry.options';
export { SentryReporter } from './sentry.reporter';
export { initSentry } from './sentry-sdk';
