import { trackerFields, trackerText } from './tracked-event';

describe('trackerFields', () => {
  it('gives the id of an event sent or still on its way, and says why there is none otherwise', () => {
    expect(trackerFields({ tracked: { status: 'sent', eventId: 'e1' } })).toEqual({ sentryEventId: 'e1' });
    expect(trackerFields({ tracked: { status: 'pending', eventId: 'e2' } })).toEqual({ sentryEventId: 'e2' });
    expect(trackerFields({ eventId: 'e3', tracked: { status: 'dropped' } })).toEqual({ sentry: 'dropped' });
    expect(trackerFields({ tracked: { status: 'sampled-out' } })).toEqual({ sentry: 'sampled-out' });
    // A failure built by hand (no tracker's outcome): its id as given.
    expect(trackerFields({ eventId: 'e4' })).toEqual({ sentryEventId: 'e4' });
    expect(trackerFields({})).toEqual({});
  });

  it('reads the outcome when the line is written, not when the failure was recorded', () => {
    const failure = { tracked: { status: 'pending' as const, eventId: 'e5' } };
    const copy = { ...failure };
    Object.assign(failure.tracked, { status: 'dropped', eventId: undefined });
    expect(trackerText(copy)).toBe(' sentry=dropped');
    expect(trackerText({ tracked: { status: 'sent', eventId: 'e6' } })).toBe(' sentryEventId=e6');
  });
});
