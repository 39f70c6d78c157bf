import { configErrorOf } from '../kernel/config-error.testing';
import { resolveSentry, SENTRY_DEFAULTS } from './resolve-sentry-options';

describe('resolveSentry: sample', () => {
  it('samples per fingerprint by default, and sends every event with sample: false', () => {
    expect(resolveSentry({})).toMatchObject({ sample: SENTRY_DEFAULTS.sample });
    expect(resolveSentry({ sample: false })).toMatchObject({ sample: false });
    expect(resolveSentry({ sample: { perFingerprint: 2 } })).toMatchObject({
      sample: { perFingerprint: 2, windowSeconds: 60, maxFingerprints: 1000 },
    });
  });

  it.each([
    [{ sample: true }, 'sentry.sample', 'must be false or an object'],
    [{ sample: { perFingerprint: 0 } }, 'sentry.sample.perFingerprint', 'must be a whole number >= 1'],
    [{ sample: { windowSeconds: 1.5 } }, 'sentry.sample.windowSeconds', 'must be a whole number >= 1'],
    [{ sample: { maxFingerprints: -1 } }, 'sentry.sample.maxFingerprints', 'must be a whole number >= 1'],
    [{ sample: { perFingerprnt: 3 } }, 'sentry.sample.perFingerprnt', 'is not a sentry.sample option'],
  ])('stops start-up for %j naming %s', (input, option, problem) => {
    const error = configErrorOf(() => resolveSentry(input));
    expect(error.option).toBe(option);
    expect(error.message).toContain(problem);
  });
});
