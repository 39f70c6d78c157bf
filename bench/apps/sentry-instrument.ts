import * as Sentry from '@sentry/nestjs';

// Imported first, as @sentry/nestjs's docs require. The DSN points at the bench's local receiver.
Sentry.init({ dsn: process.env.SENTRY_DSN, tracesSampleRate: 0, environment: 'bench' });
