import { clientIp, type LoggedRequest } from './request-context';

describe('clientIp', () => {
  /** A request whose `ip` getter counts its reads, as Express's works it out on each one. */
  function request(ip: string | undefined): { req: LoggedRequest; reads: () => number } {
    let reads = 0;
    const req = {} as LoggedRequest;
    Object.defineProperty(req, 'ip', {
      get: () => {
        reads++;
        return ip;
      },
    });
    return { req, reads: () => reads };
  }

  it('reads req.ip once a request and gives the same answer after', () => {
    const { req, reads } = request('203.0.113.9');
    expect(clientIp(req)).toBe('203.0.113.9');
    expect(clientIp(req)).toBe('203.0.113.9');
    expect(clientIp(req)).toBe('203.0.113.9');
    expect(reads()).toBe(1);
  });

  it('remembers that a request has no ip', () => {
    const { req, reads } = request(undefined);
    expect(clientIp(req)).toBeUndefined();
    expect(clientIp(req)).toBeUndefined();
    expect(reads()).toBe(1);
  });

  it('keeps each request to its own ip', () => {
    const a = request('198.51.100.1');
    const b = request('198.51.100.2');
    expect([clientIp(a.req), clientIp(b.req), clientIp(a.req)]).toEqual([
      '198.51.100.1',
      '198.51.100.2',
      '198.51.100.1',
    ]);
  });

  it('reads a frozen request every time instead of failing', () => {
    const { req, reads } = request('192.0.2.7');
    Object.freeze(req);
    expect(clientIp(req)).toBe('192.0.2.7');
    expect(clientIp(req)).toBe('192.0.2.7');
    expect(reads()).toBe(2);
  });
});
