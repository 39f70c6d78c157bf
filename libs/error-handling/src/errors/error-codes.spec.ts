import { ERROR_CODES, codeForStatus, isErrorStatus } from './error-codes';

describe('ERROR_CODES', () => {
  it('lists only UPPER_SNAKE codes with an HTTP error status and a description', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(isErrorStatus(entry.status)).toBe(true);
      expect(entry.description.length).toBeGreaterThan(0);
    }
  });

  it('gives every status that has its own code that same status in ERROR_CODES', () => {
    for (const status of [
      400, 401, 403, 404, 405, 406, 408, 409, 410, 412, 413, 415, 422, 429, 500, 501, 502, 503, 504,
    ]) {
      const code = codeForStatus(status);
      expect(ERROR_CODES[code].status).toBe(status);
    }
  });
});

describe('codeForStatus', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [429, 'RATE_LIMITED'],
    [500, 'INTERNAL_ERROR'],
    [503, 'SERVICE_UNAVAILABLE'],
    [504, 'GATEWAY_TIMEOUT'],
  ])('maps %i to %s', (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });

  it('uses CLIENT_ERROR for another 4xx status and INTERNAL_ERROR for anything else', () => {
    expect(codeForStatus(418)).toBe('CLIENT_ERROR');
    expect(codeForStatus(499)).toBe('CLIENT_ERROR');
    expect(codeForStatus(507)).toBe('INTERNAL_ERROR');
    expect(codeForStatus(200)).toBe('INTERNAL_ERROR');
    expect(codeForStatus(600)).toBe('INTERNAL_ERROR');
  });
});

describe('isErrorStatus', () => {
  it('accepts integers from 400 to 599 only', () => {
    expect([400, 404, 599].map(isErrorStatus)).toEqual([true, true, true]);
    expect([399, 600, 404.5, Number.NaN, '404', null, undefined].map(isErrorStatus)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
