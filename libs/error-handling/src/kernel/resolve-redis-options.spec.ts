import { configErrorOf } from './config-error.testing';
import { resolveRedis } from './resolve-redis-options';

describe('resolveRedis (the top-level redis option)', () => {
  it('is undefined when not set, and prefixes keys with faultline: by default', () => {
    expect(resolveRedis(undefined)).toBeUndefined();
    expect(resolveRedis({ url: 'redis://127.0.0.1:6379' })).toEqual({
      url: 'redis://127.0.0.1:6379',
      client: undefined,
      keyPrefix: 'faultline:',
    });
    const client = { eval: async () => 1 };
    expect(resolveRedis({ client, keyPrefix: 'billing:' })).toMatchObject({ client, keyPrefix: 'billing:' });
  });

  it.each([
    ['a string', 'redis://127.0.0.1', 'redis must be an object with url or client'],
    ['neither url nor client', {}, 'redis needs exactly one of url and client'],
    ['both', { url: 'redis://h', client: { eval: () => 1 } }, 'redis needs exactly one of url and client'],
    ['an http URL', { url: 'http://h:6379' }, 'redis.url must be a redis:// or rediss:// URL'],
    ['a client without eval', { client: { get: () => 1 } }, 'redis.client must have eval(script, numKeys'],
    ['a numeric keyPrefix', { url: 'redis://h', keyPrefix: 7 }, 'redis.keyPrefix must be a string'],
    ['an unknown key', { url: 'redis://h', db: 2 }, 'redis.db is not a redis option'],
  ])('stops start-up naming the option for %s', (_label, value, message) => {
    const error = configErrorOf(() => resolveRedis(value as never));
    expect(error.message).toContain(`FAULTLINE_INVALID_OPTION: ${message}`);
  });
});
