'use strict';
// A request-log object of about 1.5 KB, shaped like what a logger sees for a failed request.

/** `i` in letters (a, b, …, ba, …): a tag that adds no digits, `=` or other detector triggers. */
function letters(i) {
  let out = '';
  do {
    out = String.fromCharCode(97 + (i % 26)) + out;
    i = Math.floor(i / 26);
  } while (i > 0);
  return out;
}

function requestLog(i = 0) {
  return {
    level: 50,
    time: 1764115200000 + i,
    requestId: `3f0c9a4e-6a55-4c1e-9a53-2b1f0f1d7c${String(i % 100).padStart(2, '0')}`,
    req: {
      method: 'POST',
      url: '/orders/42/items?page=2&sort=desc',
      headers: {
        host: 'api.example.com',
        'user-agent':
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
        accept: 'application/json',
        'accept-language': 'en-GB,en;q=0.9',
        'content-type': 'application/json',
        'content-length': '412',
        authorization: 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0',
        cookie: 'session=8c1b2a3d4e5f60718293a4b5c6d7e8f9; theme=dark',
        'x-api-key': 'ak_live_51HcXyZ0123456789abcdef',
        'x-forwarded-for': '203.0.113.7',
      },
      query: { page: '2', sort: 'desc' },
      body: {
        customer: { name: 'Ann Example', email: 'ann@example.com', password: 'correct horse battery staple' },
        items: [
          { sku: 'BOOK-0001', quantity: 1, note: 'gift wrap please' },
          { sku: 'PEN-0042', quantity: 3, note: 'blue ink' },
        ],
        token: 'tok_1Nv0aB2cD3eF4gH5iJ6kL7mN',
        shipping: { street: '1 Example Road', city: 'Springfield', zip: '12345', country: 'GB' },
        comment: 'Please deliver after 5pm; leave with the neighbour at number 3 if nobody answers.',
      },
    },
    res: { statusCode: 500, headers: { 'content-type': 'application/problem+json', 'x-request-id': 'abc' } },
    responseTime: 12,
    err: { type: 'Error', message: 'upstream timed out', code: 'ETIMEDOUT' },
    msg: 'request failed',
  };
}

/** Tagged variants of the strings, made once: 4,096 of them, more than a Redactor remembers. */
const FRESH_VARIANTS = 4096;
let variants;

/**
 * The same object with every string value ending in a tag made from `i`, so that no string is one
 * a redactor has seen lately (as with request bodies; header values and messages repeat). The
 * strings are made ahead, flat (as a parser makes them), and taken in turn.
 */
function freshRequestLog(i) {
  variants ??= Array.from({ length: FRESH_VARIANTS }, (_, k) => {
    const t = ` ${letters(k)}`;
    // A flat copy, as JSON.parse or an HTTP parser gives: no rope of two strings.
    return (text) => Buffer.from(text + t, 'utf8').toString('utf8');
  }).map((tag) => ({
    requestId: tag('3f0c9a4e-6a55-4c1e-9a53-2b1f0f1d7c00'),
    method: tag('POST'),
    url: tag('/orders/42/items?page=2&sort=desc'),
    host: tag('api.example.com'),
    userAgent: tag(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    ),
    json: tag('application/json'),
    language: tag('en-GB,en;q=0.9'),
    length: tag('412'),
    authorization: tag('Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0'),
    cookie: tag('session=8c1b2a3d4e5f60718293a4b5c6d7e8f9; theme=dark'),
    apiKey: tag('ak_live_51HcXyZ0123456789abcdef'),
    forwardedFor: tag('203.0.113.7'),
    page: tag('2'),
    sort: tag('desc'),
    name: tag('Ann Example'),
    email: tag('ann@example.com'),
    password: tag('correct horse battery staple'),
    sku1: tag('BOOK-0001'),
    note1: tag('gift wrap please'),
    sku2: tag('PEN-0042'),
    note2: tag('blue ink'),
    token: tag('tok_1Nv0aB2cD3eF4gH5iJ6kL7mN'),
    street: tag('1 Example Road'),
    city: tag('Springfield'),
    zip: tag('12345'),
    country: tag('GB'),
    comment: tag('Please deliver after 5pm; leave with the neighbour at number 3 if nobody answers.'),
    problemJson: tag('application/problem+json'),
    responseId: tag('abc'),
    type: tag('Error'),
    message: tag('upstream timed out'),
    code: tag('ETIMEDOUT'),
    msg: tag('request failed'),
  }));
  const v = variants[i % FRESH_VARIANTS];
  return {
    level: 50,
    time: 1764115200000 + i,
    requestId: v.requestId,
    req: {
      method: v.method,
      url: v.url,
      headers: {
        host: v.host,
        'user-agent': v.userAgent,
        accept: v.json,
        'accept-language': v.language,
        'content-type': v.json,
        'content-length': v.length,
        authorization: v.authorization,
        cookie: v.cookie,
        'x-api-key': v.apiKey,
        'x-forwarded-for': v.forwardedFor,
      },
      query: { page: v.page, sort: v.sort },
      body: {
        customer: { name: v.name, email: v.email, password: v.password },
        items: [
          { sku: v.sku1, quantity: 1, note: v.note1 },
          { sku: v.sku2, quantity: 3, note: v.note2 },
        ],
        token: v.token,
        shipping: { street: v.street, city: v.city, zip: v.zip, country: v.country },
        comment: v.comment,
      },
    },
    res: { statusCode: 500, headers: { 'content-type': v.problemJson, 'x-request-id': v.responseId } },
    responseTime: 12,
    err: { type: v.type, message: v.message, code: v.code },
    msg: v.msg,
  };
}

/** The secret locations, as explicit paths (what fast-redact needs to be told). */
const PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body.customer.password',
  'req.body.token',
];

/** The secret values, to check every redactor removed them all. */
const SECRETS = [
  '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  '8c1b2a3d4e5f60718293a4b5c6d7e8f9',
  'ak_live_51HcXyZ0123456789abcdef',
  'correct horse battery staple',
  'tok_1Nv0aB2cD3eF4gH5iJ6kL7mN',
];

module.exports = { requestLog, freshRequestLog, PATHS, SECRETS };
