// The entry to import before anything else when Sentry is on:
//   import 'nestjs-faultline/instrument';
// It initialises Sentry from SENTRY_DSN (and SENTRY_ENVIRONMENT, SENTRY_RELEASE,
// SENTRY_TRACES_SAMPLE_RATE); without SENTRY_DSN it loads nothing of Sentry.
import { initSentry } from './sentry/sentry-sdk';

const rate = process.env.SENTRY_TRACES_SAMPLE_RATE;
initSentry({
  dsn: process.env.SENTRY_DSN || undefined,
  environment: process.env.SENTRY_ENVIRONMENT || undefined,
  release: process.env.SENTRY_RELEASE || undefined,
  tracesSampleRate: rate ? Number(rate) : undefined,
});
