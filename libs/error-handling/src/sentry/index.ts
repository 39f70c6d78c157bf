export type { SentryOptions } from './sentry.options';
export { SentryReporter } from './sentry.reporter';
export { initSentry } from './sentry-sdk';
