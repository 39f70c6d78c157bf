import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { check } from '../kernel/option-checks';
import { type Admission, type OpsAnswer, problemAnswer } from '../kernel/ops-endpoint';

/** A token as RFC 6750 allows one (`b64token`). */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The shortest token accepted: shorter ones can be guessed. */
const MIN_LENGTH = 16;

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** What the request line of a scrape refused for its token shows as its `err` (never the token). */
class BearerTokenRefused extends Error {}

/**
 * `metrics.bearerToken` validated, as a list. Messages never show the value: a start-up error
 * is logged, and the value is a secret.
 */
export function bearerTokens(value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  check(list.length > 0, 'metrics.bearerToken', 'must be a token or a non-empty array of tokens');
  list.forEach((token, i) =>
    check(
      typeof token === 'string' && token.length >= MIN_LENGTH && TOKEN.test(token),
      Array.isArray(value) ? `metrics.bearerToken[${i}]` : 'metrics.bearerToken',
      `must be a string of at least ${MIN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (then = padding), ` +
        'as a bearer token is (RFC 6750); the value is not shown here',
      'For example one made by: openssl rand -hex 32',
    ),
  );
  return list as string[];
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The check of `metrics.bearerToken`: 401 with `WWW-Authenticate: Bearer` unless the request
 * carries one of `tokens`. Both sides are hashed first, so `timingSafeEqual` compares equal
 * lengths and the time taken says nothing of the token, its length included; every token is
 * compared, so neither does which one matched.
 */
export function bearerTokenAdmission(tokens: readonly string[]): Admission {
  const expected = tokens.map(digest);
  return (req: IncomingMessage): OpsAnswer | undefined => {
    const header = req.headers.authorization;
    const given = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (given === undefined) return unauthorized(req, false);
    const hash = digest(given);
    let matched = false;
    for (const token of expected) matched = timingSafeEqual(hash, token) || matched;
    return matched ? undefined : unauthorized(req, true);
  };
}

function unauthorized(req: IncomingMessage, wrong: boolean): OpsAnswer {
  return problemAnswer(
    req,
    {
      status: 401,
      code: 'UNAUTHENTICATED',
      title: 'Unauthorized',
      detail: wrong
        ? 'The bearer token is not the one the metrics ask for.'
        : 'The metrics ask for a bearer token: Authorization: Bearer <token>.',
      error: new BearerTokenRefused(wrong ? 'wrong bearer token' : 'no bearer token'),
    },
    // RFC 6750: a request without credentials gets no error code; a wrong token, invalid_token.
    {
      'WWW-Authenticate': wrong ? 'Bearer realm="metrics", error="invalid_token"' : 'Bearer realm="metrics"',
    },
  );
}
