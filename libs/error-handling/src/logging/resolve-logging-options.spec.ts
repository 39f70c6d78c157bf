import { configErrorOf } from '../kernel/config-error.testing';
import { resolveLogging } from './resolve-logging-options';

function optionOf(input: unknown): string {
  return configErrorOf(() => resolveLogging(input, false)).option;
}

describe('resolveLogging', () => {
  it('is off for false', () => {
    expect(resolveLogging(false, true)).toBe(false);
  });

  it('defaults to JSON in production and pretty elsewhere, level info, 1 s slow threshold', () => {
    const prod = resolveLogging({}, true);
    const dev = resolveLogging(undefined, false);
    expect(prod && prod.format).toBe('json');
    expect(dev && dev.format).toBe('pretty');
    expect(prod).toEqual(
      expect.objectContaining({
        level: 'info',
        slowRequestMs: 1000,
        requestDetails: 'server-errors',
        useAsNestLogger: true,
        channels: { audit: 'info', security: 'info', performance: 'info' },
        file: undefined,
        sync: false,
        maxBufferBytes: 4 * 1024 * 1024,
        overflow: 'block',
      }),
    );
  });

  it('takes a file descriptor, a file path or a stream as the destination', () => {
    const stream = { write: () => undefined };
    for (const destination of [2, 'logs/app.log', stream]) {
      const resolved = resolveLogging({ destination }, true);
      expect(resolved && resolved.destination).toBe(destination);
    }
  });

  it('fills the file defaults: errors and above, 100 MB, daily, 30 files', () => {
    const resolved = resolveLogging({ file: { path: 'logs/errors.log' } }, true);
    expect(resolved && resolved.file).toEqual({
      path: 'logs/errors.log',
      level: 'error',
      size: '100m',
      frequency: 'daily',
      retain: 30,
    });
  });

  it('reads the user id from req.user.id, else req.user.sub', () => {
    const resolved = resolveLogging({}, true);
    if (!resolved) throw new Error('unexpected');
    expect(resolved.userId({ user: { id: 4 } })).toBe(4);
    expect(resolved.userId({ user: { sub: 'u-9' } })).toBe('u-9');
    expect(resolved.userId({})).toBeUndefined();
  });

  it.each([
    [{ levle: 'info' }, 'logging.levle'],
    [{ level: 'loud' }, 'logging.level'],
    [{ format: 'xml' }, 'logging.format'],
    [{ destination: {} }, 'logging.destination'],
    [{ destination: -1 }, 'logging.destination'],
    [{ destination: 1.5 }, 'logging.destination'],
    [{ destination: ' ' }, 'logging.destination'],
    [{ destination: null }, 'logging.destination'],
    [{ maxBufferBytes: 1024 }, 'logging.maxBufferBytes'],
    [{ maxBufferBytes: '4m' }, 'logging.maxBufferBytes'],
    [{ overflow: 'wait' }, 'logging.overflow'],
    [{ channels: { billing: 'info' } }, 'logging.channels.billing'],
    [{ channels: { audit: 'noisy' } }, 'logging.channels.audit'],
    [{ slowRequestMs: -1 }, 'logging.slowRequestMs'],
    [{ requestDetails: 'everything' }, 'logging.requestDetails'],
    [{ file: {} }, 'logging.file.path'],
    [{ file: { path: 'a.log', size: 'big' } }, 'logging.file.size'],
    [{ file: { path: 'a.log', frequency: 'weekly' } }, 'logging.file.frequency'],
    [{ file: { path: 'a.log', retain: 0 } }, 'logging.file.retain'],
    [{ userId: 'sub' }, 'logging.userId'],
    [{ quietPaths: ['health'] }, 'logging.quietPaths'],
    ['json', 'logging'],
  ])('stops start-up on %j, naming %s', (input, option) => {
    expect(optionOf(input)).toBe(option);
  });
});
