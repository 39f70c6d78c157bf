import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors/app.error';
import {
  AUDIT_QUERY_MAX_LIMIT,
  decodeCursor,
  encodeCursor,
  isoDate,
  pageSize,
  parseAuditQueryParams,
  parseAuditTimestamp,
} from './audit-query-params';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseAuditTimestamp', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T13:45:00Z', '2024-02-29T13:45:00.000Z'],
    ['2024-02-29t13:45:00z', '2024-02-29T13:45:00.000Z'],
    ['2024-02-29T13:45:00.123456Z', '2024-02-29T13:45:00.123Z'],
    ['2024-02-29T13:45:00.1Z', '2024-02-29T13:45:00.100Z'],
    ['2024-03-01T09:00:00+09:00', '2024-03-01T00:00:00.000Z'],
    ['2024-02-29T19:00:00-05:30', '2024-03-01T00:30:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['0001-01-01', '0001-01-01T00:00:00.000Z'],
    ['0099-06-15T00:00:00Z', '0099-06-15T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseAuditTimestamp(text) as number).toISOString()).toBe(iso);
  });

  it.each([
    ['a day past the end of February', '2024-02-30'],
    ['February 29 of a common year', '2023-02-29'],
    ['February 29 of 1900', '1900-02-29'],
    ['April 31', '2024-04-31'],
    ['month 13', '2024-13-01'],
    ['month 0', '2024-00-10'],
    ['day 0', '2024-01-00'],
    ['year 0', '0000-01-01'],
    ['a year before 0001 once the offset applies', '0001-01-01T00:30:00+01:00'],
    ['a year after 9999 once the offset applies', '9999-12-31T23:30:00-01:00'],
    ['a five-digit year', '10000-01-01'],
    ['an extended year', '+010000-01-01T00:00:00Z'],
    ['a negative year', '-000001-01-01T00:00:00Z'],
    ['hour 24', '2024-01-01T24:00:00Z'],
    ['minute 60', '2024-01-01T10:60:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['a time without a zone', '2024-01-01T10:00:00'],
    ['a time without seconds', '2024-01-01T10:00Z'],
    ['an offset without a colon', '2024-01-01T10:00:00+0900'],
    ['an offset hour of 24', '2024-01-01T10:00:00+24:00'],
    ['a + turned into a space by URL decoding', '2024-01-01T10:00:00 09:00'],
    ['trailing text', '2024-01-01garbage'],
    ['trailing text after a time', '2024-01-01T00:00:00Zjunk'],
    ['a trailing newline', '2024-01-01\n'],
    ['leading space', ' 2024-01-01'],
    ['one-digit fields', '2024-1-1'],
    ['a bare number', '1700000000000'],
    ['a word', 'yesterday'],
    ['a JS date string', 'Thu Feb 29 2024'],
    ['too many fraction digits', '2024-01-01T00:00:00.1234567890Z'],
    ['empty text', ''],
  ])('rejects %s (%p)', (_what, text) => {
    expect(parseAuditTimestamp(text)).toBeUndefined();
  });
});

describe('isoDate (the store’s since / until)', () => {
  it('gives the ISO text of a Date within years 0001-9999', () => {
    expect(isoDate(new Date('2024-02-29T00:00:00Z'), 'since')).toBe('2024-02-29T00:00:00.000Z');
  });

  it.each([
    ['an invalid Date', new Date('nope')],
    ['year 0', new Date('0000-06-01T00:00:00Z')],
    ['year 10000', new Date('+010000-01-01T00:00:00Z')],
    ['a string', '2024-01-01'],
    ['a number', 1_700_000_000_000],
  ])('rejects %s with a field error naming the filter', (_what, value) => {
    const error = rejection(() => isoDate(value, 'until'));

    expect(error.message).toBe('Invalid audit query: until must be a valid date');
    expect(error.fieldErrors).toEqual([expect.objectContaining({ field: 'until', code: 'isDate' })]);
  });
});

describe('decodeCursor', () => {
  const id = randomUUID();
  const ts = '2030-01-01T00:00:00.123456Z';

  it('decodes a cursor it encoded', () => {
    expect(decodeCursor(encodeCursor(ts, id))).toEqual([ts, id]);
  });

  it.each([
    ['an impossible date', b64(['2024-02-30T00:00:00.000000Z', id])],
    ['month 13', b64(['2024-13-01T00:00:00.000000Z', id])],
    ['hour 25', b64(['2024-01-01T25:00:00.000000Z', id])],
    ['year 0', b64(['0000-01-01T00:00:00.000000Z', id])],
    ['a five-digit year', b64(['10000-01-01T00:00:00.000000Z', id])],
    ['milliseconds instead of microseconds', b64(['2030-01-01T00:00:00.000Z', id])],
    ['an offset instead of Z', b64(['2030-01-01T00:00:00.000000+00:00', id])],
    ['a bad uuid', b64([ts, 'not-a-uuid'])],
    ['a number for the id', b64([ts, 42])],
    ['a third member', b64([ts, id, 'x'])],
    ['JSON with spaces', Buffer.from(`[ "${ts}", "${id}" ]`).toString('base64url')],
    ['base64 padding', `${encodeCursor(ts, id)}=`],
    ['trailing characters base64url ignores', `${encodeCursor(ts, id)}!!`],
    ['standard base64', Buffer.from(JSON.stringify([ts, id])).toString('base64')],
    ['text', 'not-a-cursor'],
    ['a very long string', 'A'.repeat(10_000)],
    ['a number', 42],
  ])('rejects a cursor with %s', (_what, cursor) => {
    const error = rejection(() => decodeCursor(cursor));

    expect(error.message).toBe('Invalid audit query: cursor is not one this API returned');
    expect(error.fieldErrors).toEqual([
      {
        pointer: '#/cursor',
        field: 'cursor',
        code: 'isCursor',
        detail: 'cursor must be the nextCursor of a previous page',
      },
    ]);
  });
});

describe('pageSize (programmatic queries)', () => {
  it('keeps its documented leniency: default, fraction taken down, capped', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(2.9)).toBe(2);
    expect(pageSize(10_000)).toBe(AUDIT_QUERY_MAX_LIMIT);
  });
});

describe('parseAuditQueryParams', () => {
  const cursor = encodeCursor('2030-01-01T00:00:00.000000Z', randomUUID());

  it('turns a valid query string into an AuditQuery', () => {
    expect(
      parseAuditQueryParams({
        actorId: '42',
        ip: '203.0.113.9',
        action: 'LOGIN_FAILED',
        kind: 'security',
        outcome: 'failure',
        since: '2024-02-29',
        until: '2024-03-01T09:00:00+09:00',
        limit: '500',
        cursor,
      }),
    ).toEqual({
      actorId: '42',
      ip: '203.0.113.9',
      action: 'LOGIN_FAILED',
      kind: 'security',
      outcome: 'failure',
      since: new Date('2024-02-29T00:00:00Z'),
      until: new Date('2024-03-01T00:00:00Z'),
      limit: 500,
      cursor,
    });
  });

  it('takes empty parameters as absent', () => {
    expect(parseAuditQueryParams({ since: '', limit: '', cursor: '', actorId: '' })).toEqual({});
  });

  it.each([
    ['since', '2024-02-30', 'isDate'],
    ['until', '2024-13-01', 'isDate'],
    ['since', '0000-01-01', 'isDate'],
    ['until', '10000-01-01', 'isDate'],
    ['since', '2024-01-01T00:00:00Z; DROP TABLE x', 'isDate'],
    ['limit', '0', 'isInt'],
    ['limit', '501', 'isInt'],
    ['limit', '-1', 'isInt'],
    ['limit', '2.5', 'isInt'],
    ['limit', '1e2', 'isInt'],
    ['limit', '0x10', 'isInt'],
    ['limit', ' 5', 'isInt'],
    ['limit', '010', 'isInt'],
    ['limit', '99999999999999999999', 'isInt'],
    ['cursor', 'garbage', 'isCursor'],
    ['cursor', b64(['2024-02-30T00:00:00.000000Z', randomUUID()]), 'isCursor'],
    ['kind', 'everything', 'isIn'],
    ['outcome', 'maybe', 'isIn'],
    ['since', ['2024-01-01', '2024-01-02'], 'isString'],
    ['limit', 5, 'isString'],
  ])('rejects %s=%p with a field error naming it', (field, value, code) => {
    const error = rejection(() => parseAuditQueryParams({ [field]: value }));

    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect(error.fieldErrors).toEqual([
      expect.objectContaining({ pointer: `#/${field}`, field, code, detail: expect.any(String) }),
    ]);
  });

  it('never echoes the rejected value', () => {
    const error = rejection(() => parseAuditQueryParams({ since: 'DROP-TABLE-x', limit: 'ninety' }));

    expect(JSON.stringify({ message: error.message, errors: error.fieldErrors })).not.toMatch(/DROP|ninety/);
  });

  it('names every bad parameter at once', () => {
    const error = rejection(() =>
      parseAuditQueryParams({ since: '2024-02-30', until: 'tomorrow', limit: '0', cursor: 'x' }),
    );

    expect(error.message).toBe('Invalid audit query: since, until, limit, cursor');
    expect(error.fieldErrors?.map((e) => e.field)).toEqual(['since', 'until', 'limit', 'cursor']);
  });
});
