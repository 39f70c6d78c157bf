import { check, featureOptions, httpUrl, wholeNumber } from '../kernel/option-checks';
import type { SentryOptions, SentrySampleOptions } from './sentry.options';

const KNOWN: readonly (keyof SentryOptions)[] = [
  'dsn',
  'environment',
  'release',
  'tracesSampleRate',
  'sampleRate',
  'debug',
  'sample',
];

/** `sentry.sample` with every member set. */
export type ResolvedSentrySample = Required<SentrySampleOptions>;

const SAMPLE_DEFAULTS: ResolvedSentrySample = {
  perFingerprint: 10,
  windowSeconds: 60,
  maxFingerprints: 1000,
};

const KNOWN_SAMPLE = Object.keys(SAMPLE_DEFAULTS) as (keyof ResolvedSentrySample)[];

/** The defaults of `sentry`, as docs/sentry.md's option table shows them. */
export const SENTRY_DEFAULTS = { sampleRate: 1, debug: false, sample: SAMPLE_DEFAULTS } as const;

/** Validates `sentry.sample`: `false` sends every event; anything left out takes its default. */
export function resolveSentrySample(input: unknown): ResolvedSentrySample | false {
  const o = featureOptions<SentrySampleOptions>(input, 'sentry.sample', KNOWN_SAMPLE);
  if (!o) return false;
  return Object.fromEntries(
    KNOWN_SAMPLE.map((key) => [key, wholeNumber(o[key], SAMPLE_DEFAULTS[key], `sentry.sample.${key}`, 1)]),
  ) as ResolvedSentrySample;
}

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
  return { ...o, sample: resolveSentrySample(o.sample) };
}
