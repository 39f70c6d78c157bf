import type { IncomingMessage } from 'node:http';
import { bearerTokenAdmission } from './bearer-token';

const CURRENT = 'Y3VycmVudC1zY3JhcGUtdG9rZW4';
const NEXT = 'bmV4dC1zY3JhcGUtdG9rZW4tMjAyNg==';

const withAuthorization = (authorization?: string): IncomingMessage =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('bearerTokenAdmission', () => {
  const admit = bearerTokenAdmission([CURRENT, NEXT]);

  it.each([`Bearer ${CURRENT}`, `bearer ${NEXT}`, `BEARER  ${CURRENT} `])('lets %s through', (header) => {
    expect(admit(withAuthorization(header))).toBeUndefined();
  });

  it.each([undefined, '', 'Bearer', `Basic ${CURRENT}`, `Token ${CURRENT}`, `Bearer ${CURRENT} extra`])(
    'answers 401 without an error code for a request with no bearer token (%j)',
    (header) => {
      const answer = admit(withAuthorization(header));
      expect(answer).toMatchObject({
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
        body: { code: 'UNAUTHENTICATED', status: 401 },
        failure: { code: 'UNAUTHENTICATED', error: { message: 'no bearer token' } },
      });
    },
  );

  it.each([`${CURRENT}x`, CURRENT.slice(1), CURRENT.toLowerCase(), 'Y3VycmVudC1zY3JhcGUtdG9rZW4=', 'zq'])(
    'answers 401 invalid_token for another token (%s), never echoing it',
    (token) => {
      const answer = admit(withAuthorization(`Bearer ${token}`));
      expect(answer).toMatchObject({
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics", error="invalid_token"' },
        failure: { error: { message: 'wrong bearer token' } },
      });
      expect(JSON.stringify(answer)).not.toContain(token);
    },
  );
});
