import { check, featureOptions, httpUrl } from '../kernel/option-checks';
import type { SentryOptions } from './sentry.options';

const KNOWN: readonly (keyof SentryOptions)[] = [
  'dsn',
  'environment',
  'release',
  'tracesSampleRate',
  'sampleRate',
  'debug',
];

/** The defaults of `sentry`, as docs/sentry.md's option table shows them. */
export const SENTRY_DEFAULTS = { sampleRate: 1, debug: false } as const;

/** Validates `sentry`; `false` (or nothing) leaves Sentry off unless the instrument entry ran. */
export function resolveSentry(input: unknown): SentryOptions | false {
  const o = featureOptions<SentryOptions>(input, 'sentry', KNOWN);
  if (!o) return false;
  if (o.dsn !== undefined) {
    const url = httpUrl(o.dsn);
    check(
      url !== undefined && url.username !== '' && /\/\w+$/.test(url.pathname),
      'sentry.dsn',
      'must be a Sentry DSN: http(s)://<key>@<host>/<project>',
    );
  }
  for (const key of ['tracesSampleRate', 'sampleRate'] as const) {
    const v = o[key];
    check(
      v === undefined || (typeof v === 'number' && v >= 0 && v <= 1),
      `sentry.${key}`,
      'must be a number from 0 to 1',
    );
  }
  for (const key of ['environment', 'release'] as const) {
    check(o[key] === undefined || typeof o[key] === 'string', `sentry.${key}`, 'must be a string');
  }
  check(o.debug === undefined || typeof o.debug === 'boolean', 'sentry.debug', 'must be a boolean');
  return o;
}
