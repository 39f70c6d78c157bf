import { REQUEST_ID_PATTERN, ensureRequestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ensureRequestId', () => {
  it.each([
    ['a ULID', '01J9ZK6B7Q5M3X2W1V0T9S8R7P'],
    ['a UUID', '6f1c2a0e-3b1d-4c55-9b0a-2f5e8d7c6b4a'],
    ['dots and underscores', 'gw.edge_01-abc'],
    ['one character', 'a'],
    ['exactly 128 characters', 'a'.repeat(128)],
  ])('keeps an incoming id that is %s', (_label, incoming) => {
    const req: { id?: unknown; headers: Record<string, string> } = { headers: { 'x-request-id': incoming } };

    expect(ensureRequestId(req)).toBe(incoming);
    expect(req.id).toBe(incoming);
  });

  it.each([
    ['longer than 128 characters', 'a'.repeat(129)],
    ['with CR/LF', 'abc\r\nX-Injected: 1'],
    ['with a trailing newline', 'abc\n'],
    ['with spaces', 'abc def'],
    ['with quotes', 'abc"def'],
    ['with a single quote', "abc'def"],
    ['with HTML', '<script>alert(1)</script>'],
    ['with non-ASCII letters', 'ābc'],
    ['empty', ''],
  ])('replaces an incoming id %s with a new UUID', (_label, incoming) => {
    const req: { id?: unknown; headers: Record<string, string> } = { headers: { 'x-request-id': incoming } };
    const id = ensureRequestId(req);

    expect(id).not.toBe(incoming);
    expect(id).toMatch(UUID);
    expect(req.id).toBe(id);
  });

  it('replaces an id sent twice (an array header) with a new UUID', () => {
    const req = { headers: { 'x-request-id': ['a', 'b'] } };

    expect(ensureRequestId(req)).toMatch(UUID);
  });

  it('makes a new UUID when there is no header, and a different one each request', () => {
    const a = ensureRequestId({ headers: {} });
    const b = ensureRequestId({});

    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('reuses an id already on req.id instead of the header', () => {
    const req = { id: 'from-pino-http', headers: { 'x-request-id': 'incoming' } };

    expect(ensureRequestId(req)).toBe('from-pino-http');
    expect(req.id).toBe('from-pino-http');
  });

  it('reuses a numeric req.id as a string', () => {
    expect(ensureRequestId({ id: 7, headers: {} })).toBe('7');
  });

  it('returns the same id every time it is asked for one request', () => {
    const req = { headers: {} };

    expect(ensureRequestId(req)).toBe(ensureRequestId(req));
  });

  it('ignores an empty req.id', () => {
    const req = { id: '', headers: { 'x-request-id': 'incoming' } };

    expect(ensureRequestId(req)).toBe('incoming');
    expect(req.id).toBe('incoming');
  });

  it('reads the configured header name', () => {
    const req = { headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'req-1' } };

    expect(ensureRequestId(req, 'x-correlation-id')).toBe('corr-1');
  });

  it('still returns an id for a frozen request', () => {
    const req = Object.freeze({ headers: Object.freeze({ 'x-request-id': 'frozen-1' }) });

    expect(ensureRequestId(req)).toBe('frozen-1');
  });

  it('exports the pattern it checks incoming ids with', () => {
    expect(REQUEST_ID_PATTERN.test('abc-123')).toBe(true);
    expect(REQUEST_ID_PATTERN.test('abc 123')).toBe(false);
  });
});
