import { Logger } from '@nestjs/common';

/** The spies {@link spyOnNestLogger} keeps, replaced before each test. */
export interface NestLoggerSpies {
  readonly error: jest.SpyInstance;
  readonly warn: jest.SpyInstance;
  readonly log: jest.SpyInstance;
}

/**
 * For tests, called in a `describe` body: before each test, Nest's `Logger` `error`, `warn` and
 * `log` are replaced by silent spies, restored after it. Read the spies from the returned object.
 */
export function spyOnNestLogger(): NestLoggerSpies {
  const spies = {} as { error: jest.SpyInstance; warn: jest.SpyInstance; log: jest.SpyInstance };
  beforeEach(() => {
    spies.error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    spies.warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    spies.log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());
  return spies;
}
