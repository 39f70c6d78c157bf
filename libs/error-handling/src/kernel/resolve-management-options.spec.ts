import { configErrorOf } from './config-error.testing';
import { resolveManagement } from './resolve-management-options';

describe('resolveManagement', () => {
  it('has no management server unless a port is given, and moves both endpoints by default', () => {
    expect(resolveManagement(undefined)).toBe(false);
    expect(resolveManagement(false)).toBe(false);
    expect(resolveManagement({ port: 9090 })).toEqual({
      port: 9090,
      host: undefined,
      endpoints: ['health', 'metrics'],
    });
    expect(resolveManagement({ port: 0, host: '::1', endpoints: ['metrics'] })).toEqual({
      port: 0,
      host: '::1',
      endpoints: ['metrics'],
    });
    expect(resolveManagement({ port: 9090, host: 'localhost' })).toMatchObject({ host: 'localhost' });
  });

  it.each([
    [{}, 'management.port'],
    [{ port: -1 }, 'management.port'],
    [{ port: 65_536 }, 'management.port'],
    [{ port: 90.5 }, 'management.port'],
    [{ port: '9090' }, 'management.port'],
    [{ port: 9090, host: '' }, 'management.host'],
    [{ port: 9090, host: 'http://127.0.0.1' }, 'management.host'],
    [{ port: 9090, endpoints: 'metrics' }, 'management.endpoints'],
    [{ port: 9090, endpoints: ['metrics', 'metrics'] }, 'management.endpoints[1]'],
    [{ port: 9090, endpoints: ['audit'] }, 'management.endpoints[0]'],
    [{ port: 9090, basePath: '/actuator' }, 'management.basePath'],
    [true, 'management'],
  ])('rejects %j naming %s', (input, option) => {
    expect(configErrorOf(() => resolveManagement(input)).option).toBe(option);
  });

  it('tells how to pass a port read from the environment', () => {
    expect(configErrorOf(() => resolveManagement({ port: '9090' })).message).toContain(
      'pass Number(process.env.MANAGEMENT_PORT)',
    );
  });
});
